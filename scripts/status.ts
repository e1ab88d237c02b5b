import { pollerStatuses } from '../src/client/poller-operations';
import { pollerStatusTable } from './lib/poller-status-table';
import { runCommand } from './lib/command';
import { ExitCode } from './lib/exit-codes';
import { formatTable } from './lib/table';

runCommand({
  name: 'status',
  summary: 'Shows every poller running on TEMPORAL_TASK_QUEUE: its `status` query as one table row per appliance.',
  details: [
    'Columns: appliance, host, paused, OneView session, last poll and its result, consecutive failures, next poll, ' +
      'deliveries started, clears signalled, last error (with its type, e.g. OneViewAuthFailed). Exit 1 when a poller ' +
      'did not answer its query (no worker running?).',
  ],
  options: {
    json: { type: 'boolean', description: 'print the full status of each poller as JSON instead of a table' },
  },
  examples: ['', '--json'],
  async run(values, { connect, temporalConfig, out, err }) {
    const config = temporalConfig();
    const client = await connect(config);
    const entries = await pollerStatuses(client, config.taskQueue);
    if (values.json) out(`${JSON.stringify(entries, null, 2)}\n`);
    else if (entries.length === 0)
      err(`status: no poller is running on task queue ${config.taskQueue} (TEMPORAL_TASK_QUEUE)\n`);
    else out(formatTable(pollerStatusTable(entries)));
    return entries.some((e) => e.error) ? ExitCode.failed : ExitCode.ok;
  },
});
