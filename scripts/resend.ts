import { resendAlert } from '../src/client/alert-operations';
import { dedupKeyFor } from '../src/shared/dedup-key';
import { alertIdArg, applianceIdArg } from './lib/arguments';
import { runCommand } from './lib/command';
import { ExitCode } from './lib/exit-codes';

runCommand({
  name: 'resend',
  summary: "Delivers one alert again: a new run of its delivery workflow with the last run's input.",
  details: [
    'For a delivery that failed (PagerDuty rejected the trigger, e.g. a wrong routing key since fixed) or was ' +
      'terminated. Same workflow ID, so the same dedup key: PagerDuty updates the same incident. Refused (exit 1) ' +
      'while the delivery runs, naming its phase: there is nothing to resend. A delivery that completed was resolved; ' +
      'resending it re-opens its incident, so it needs --force. Prints the new run id.',
  ],
  options: {
    appliance: { type: 'string', required: true, value: 'ID', description: 'appliance id' },
    alert: {
      type: 'string',
      required: true,
      value: 'ALERT_ID',
      description: 'OneView alert id (the end of /rest/alerts/ALERT_ID)',
    },
    force: { type: 'boolean', description: 'resend a completed (resolved) delivery too' },
  },
  examples: ['--appliance synergy-a --alert 1234'],
  async run(values, { connect, out }) {
    const applianceId = applianceIdArg(values.appliance!);
    const alertId = alertIdArg(values.alert!);
    const client = await connect();
    const result = await resendAlert(client, { applianceId, alertId, force: values.force });
    out(
      `resent ${result.workflowId} (previous run ${result.previousStatus.toLowerCase()}); new run ${result.runId} on ${result.taskQueue}\n` +
        `dedup key ${dedupKeyFor(applianceId, alertId)}\n`,
    );
    return ExitCode.ok;
  },
});
