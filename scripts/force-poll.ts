import { runningAppliances } from '../src/client/appliance-directory';
import { forcePoll } from '../src/client/poller-operations';
import { applianceIdArg } from './lib/arguments';
import { runCommand } from './lib/command';
import { ExitCode, OperationFailed } from './lib/exit-codes';

runCommand({
  name: 'force-poll',
  summary: 'Sends the forcePoll signal: each poller polls its appliance now instead of at the end of its interval.',
  details: [
    'Without --appliance, every poller running on TEMPORAL_TASK_QUEUE is signalled. Prints the workflow IDs signalled.',
  ],
  options: {
    appliance: {
      type: 'string',
      multiple: true,
      value: 'ID',
      description: 'appliance id (ONEVIEW_APPLIANCE_ID or the id in APPLIANCES_FILE)',
    },
  },
  examples: ['', '--appliance synergy-a --appliance synergy-b'],
  async run(values, { connect, temporalConfig, out, err }) {
    const wanted = (values.appliance ?? []).map(applianceIdArg);
    const config = temporalConfig();
    const client = await connect(config);
    const appliances = wanted.length > 0 ? wanted : await runningAppliances(client, config.taskQueue);
    if (appliances.length === 0) {
      throw new OperationFailed(
        `no poller is running on task queue ${config.taskQueue} (TEMPORAL_TASK_QUEUE): is a worker running with it?`,
      );
    }
    let failed = 0;
    for (const applianceId of appliances) {
      try {
        out(`${await forcePoll(client, applianceId)}\n`);
      } catch (e) {
        failed++;
        err(
          `force-poll: failed to signal the poller of ${applianceId}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}\n`,
        );
      }
    }
    return failed > 0 ? ExitCode.failed : ExitCode.ok;
  },
});
