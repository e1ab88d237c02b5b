import { pausePoller, resumePoller, stopPoller } from '../src/client/poller-operations';
import { applianceIdArg } from './lib/arguments';
import { runCommand } from './lib/command';
import { ExitCode, UsageError } from './lib/exit-codes';

runCommand({
  name: 'stop-poller',
  summary: "Terminates an appliance's poller, or with --pause / --resume only stops and restarts its polling.",
  details: [
    'Terminating is not lasting: the next worker start (or start-pollers) with the appliance still configured starts ' +
      'the poller again. To stop polling for good, remove the appliance from the configuration. --pause is the ' +
      'reversible alternative: the poller stays, keeps its session and counters, and polls again after --resume. ' +
      "Either way the appliance's running deliveries keep waiting for their clear.",
  ],
  options: {
    appliance: { type: 'string', required: true, value: 'ID', description: 'appliance id' },
    reason: {
      type: 'string',
      value: 'TEXT',
      description: 'why, recorded in the termination (default: "stopped by an operator")',
    },
    pause: { type: 'boolean', description: 'send the pause signal instead of terminating' },
    resume: { type: 'boolean', description: 'send the resume signal instead of terminating' },
  },
  examples: [
    '--appliance synergy-a --pause',
    '--appliance synergy-a --resume',
    '--appliance synergy-a --reason "appliance retired"',
  ],
  async run(values, { connect, out }) {
    const applianceId = applianceIdArg(values.appliance!);
    if (values.pause && values.resume) throw new UsageError('--pause and --resume exclude each other');
    if ((values.pause || values.resume) && values.reason !== undefined)
      throw new UsageError('--reason goes with terminating, not with --pause or --resume');
    const client = await connect();
    if (values.pause) {
      out(
        `paused ${await pausePoller(client, applianceId)}: it polls no more until stop-poller --appliance ${applianceId} --resume\n`,
      );
    } else if (values.resume) {
      out(
        `resumed ${await resumePoller(client, applianceId)}: it polls again (at once if a forcePoll came while paused)\n`,
      );
    } else {
      const workflowId = await stopPoller(client, applianceId, values.reason ?? 'stopped by an operator');
      out(
        `terminated ${workflowId}\n` +
          `note: the next worker start (or start-pollers) with ${applianceId} still configured starts it again; remove the ` +
          `appliance from the configuration to stop it for good. To stop polling reversibly, use --pause and --resume instead.\n`,
      );
    }
    return ExitCode.ok;
  },
});
