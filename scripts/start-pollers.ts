import { ensurePollers } from '../src/worker/ensure-pollers';
import { loadConfig } from '../src/config/load-config';
import { runCommand } from './lib/command';
import { ExitCode } from './lib/exit-codes';

runCommand({
  name: 'start-pollers',
  summary:
    "Makes sure each configured appliance's poller runs with the current settings, as every worker does at start.",
  details: [
    'Needs the whole worker configuration (APPLIANCES_FILE or ONEVIEW_*, PAGERDUTY_ROUTING_KEY, ...; see README.md). ' +
      'Pollers on TEMPORAL_TASK_QUEUE whose appliance is not in that configuration are stopped ("retired"): run it ' +
      'with the same configuration as the workers. Safe to run any number of times (signal-with-start).',
  ],
  options: {
    json: { type: 'boolean', description: 'print { running, retired } as JSON' },
  },
  examples: [''],
  async run(values, { connect, out }) {
    const config = loadConfig(process.env);
    const client = await connect(config.temporal);
    const result = await ensurePollers(client, config);
    if (values.json) {
      out(`${JSON.stringify(result, null, 2)}\n`);
      return ExitCode.ok;
    }
    for (const id of result.running) out(`running  ${id}\n`);
    for (const id of result.retired)
      out(`retired  ${id} (appliance no longer configured; its poller was terminated)\n`);
    return ExitCode.ok;
  },
});
