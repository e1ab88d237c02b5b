import { resolveAlertByHand } from '../src/client/alert-operations';
import { dedupKeyFor } from '../src/shared/dedup-key';
import { alertIdArg, applianceIdArg, integerArg } from './lib/arguments';
import { runCommand } from './lib/command';
import { ExitCode } from './lib/exit-codes';

runCommand({
  name: 'resolve',
  summary: "Resolves one alert's PagerDuty incident by hand: sends alertCleared to its running delivery.",
  details: [
    'For an alert that will never clear on the appliance (deleted, appliance retired). The delivery resolves exactly ' +
      'as if OneView had cleared the alert, then completes. Waits up to --wait seconds for phase resolved; exit 0 ' +
      'either way once the signal was sent (a resolve still being retried is reported as still resolving). Refused ' +
      '(exit 1) when the delivery is not running.',
  ],
  options: {
    appliance: { type: 'string', required: true, value: 'ID', description: 'appliance id' },
    alert: { type: 'string', required: true, value: 'ALERT_ID', description: 'OneView alert id' },
    note: { type: 'string', value: 'TEXT', description: 'why (default: "resolved by hand by an operator")' },
    wait: { type: 'string', value: 'SECONDS', description: 'how long to wait for phase resolved (default 30)' },
  },
  examples: ['--appliance synergy-a --alert 1234 --note "enclosure replaced"'],
  async run(values, { connect, out }) {
    const applianceId = applianceIdArg(values.appliance!);
    const alertId = alertIdArg(values.alert!);
    const waitSeconds = values.wait === undefined ? 30 : integerArg('wait', values.wait, 0, 3600);
    const client = await connect();
    const result = await resolveAlertByHand(client, {
      applianceId,
      alertId,
      note: values.note,
      waitMs: waitSeconds * 1000,
    });
    const key = dedupKeyFor(applianceId, alertId);
    if (result.resolved) out(`resolved ${result.workflowId} (dedup key ${key}): phase resolved\n`);
    else if (result.status === 'RUNNING') {
      out(
        `signalled ${result.workflowId} (dedup key ${key}): still ${result.phase ?? 'resolving'} after ${waitSeconds}s; check with list-alerts or the Web UI\n`,
      );
    } else out(`signalled ${result.workflowId} (dedup key ${key}): it is now ${result.status.toLowerCase()}\n`);
    return ExitCode.ok;
  },
});
