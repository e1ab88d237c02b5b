import { explainAlert } from '../src/client/explain-alert';
import { alertIdArg, applianceIdArg } from './lib/arguments';
import { runCommand } from './lib/command';
import { ExitCode, UsageError } from './lib/exit-codes';

runCommand({
  name: 'explain',
  summary: 'Why was I (not) paged? Prints the decision chain of one alert from Temporal.',
  details: [
    "From the alert's delivery (its `explain` query, the same the Web UI shows): when it was first seen, the routes it " +
      'pages through, the maintenance window it waited for, the alerts that joined its incident, every PagerDuty send ' +
      'with its time and outcome, a send being retried now, and where it stands. Without a delivery, what the poller ' +
      'remembers deciding (dropped by a route, joined its enclosure incident, held for maintenance mode) or what holds ' +
      'it now.',
  ],
  positionals: 'APPLIANCE ALERT_ID',
  options: { json: { type: 'boolean', description: 'print JSON' } },
  examples: ['synergy-a 5121', '--json synergy-a 5121'],
  async run(values, { connect, out, args }) {
    if (args.length !== 2) throw new UsageError('give the appliance id and the alert id');
    const applianceId = applianceIdArg(args[0]!);
    const alertId = alertIdArg(args[1]!);
    const explanation = await explainAlert(await connect(), applianceId, alertId);
    out(values.json ? `${JSON.stringify(explanation, null, 2)}\n` : `${explanation.lines.join('\n')}\n`);
    return ExitCode.ok;
  },
});
