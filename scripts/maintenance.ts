import { runningAppliances } from '../src/client/appliance-directory';
import { randomBytes } from 'node:crypto';
import {
  closeMaintenanceWindow,
  openMaintenanceWindow,
  pollerStatus,
  pollerStatuses,
} from '../src/client/poller-operations';
import type { WindowScope } from '../src/routing/window-types';
import { applianceIdArg } from './lib/arguments';
import { runCommand } from './lib/command';
import { durationMs } from './lib/duration';
import { ExitCode, OperationFailed, UsageError } from './lib/exit-codes';
import { formatTable } from './lib/table';

const WINDOW_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

runCommand({
  name: 'maintenance',
  summary: 'Opens, ends or lists maintenance windows: alerts they cover do not page until the window ends.',
  details: [
    'A window covers the alerts of the scope given (every option must match; patterns with * and ?, any case; none: ' +
      "every alert of the appliance). An alert that becomes active inside it starts a delivery in phase 'suppressed' " +
      '(visible with list-alerts --delivery-state suppressed and in the Web UI), pages when the window ends if it is ' +
      'still active, and never pages if it clears first. Incidents already open are not touched: their resolves go ' +
      'out. Opening the same --id again moves its end; --end closes it now (what it held pages at once). Without ' +
      '--appliance the window is opened on every poller running on TEMPORAL_TASK_QUEUE. Scheduled windows are ' +
      'written in ROUTES_FILE (docs/routing.md).',
  ],
  options: {
    appliance: { type: 'string', multiple: true, value: 'ID', description: 'appliance id (default: every poller)' },
    enclosure: { type: 'string', multiple: true, value: 'P', description: 'enclosure name, e.g. Encl1' },
    server: { type: 'string', multiple: true, value: 'P', description: 'resource name, e.g. "Encl1, bay 3"' },
    'resource-category': { type: 'string', multiple: true, value: 'P', description: 'e.g. server-hardware' },
    'health-category': { type: 'string', multiple: true, value: 'P', description: 'e.g. Power' },
    route: { type: 'string', multiple: true, value: 'NAME', description: 'only alerts paging through this route' },
    for: { type: 'string', value: 'DURATION', description: 'how long from now, e.g. 2h, 90m (at most 7d)' },
    id: { type: 'string', value: 'ID', description: 'the window id (default: mw-<time>)' },
    reason: { type: 'string', value: 'TEXT', description: 'why, for the status and the logs' },
    end: { type: 'string', value: 'ID', description: 'end this window now' },
    list: { type: 'boolean', description: 'list the windows on now, and the alerts each holds' },
    json: { type: 'boolean', description: 'with --list: print JSON' },
  },
  examples: [
    '--appliance synergy-a --enclosure Encl1 --for 2h --id encl1-move --reason "moving Encl1 to rack 12"',
    '--list',
    '--appliance synergy-a --end encl1-move',
  ],
  async run(values, { connect, temporalConfig, out, err }) {
    const modes = [values.list, values.end !== undefined, values.for !== undefined].filter(Boolean).length;
    if (modes !== 1) throw new UsageError('give exactly one of --for (open), --end ID (close) or --list');
    const wanted = (values.appliance ?? []).map(applianceIdArg);
    const config = temporalConfig();
    if (values.list) {
      const client = await connect(config);
      const entries = (await pollerStatuses(client, config.taskQueue)).filter(
        (e) => wanted.length === 0 || wanted.includes(e.applianceId),
      );
      const rows = entries.flatMap((e) =>
        (e.status?.windows ?? []).map((w) => ({
          appliance: e.applianceId,
          ...w,
          holding: e.status?.suppressed[w.id] ?? [],
        })),
      );
      if (values.json) out(`${JSON.stringify(rows, null, 2)}\n`);
      else
        out(
          formatTable({
            columns: ['APPLIANCE', 'WINDOW', 'UNTIL', 'KIND', 'SCOPE', 'HOLDING', 'REASON'],
            rows: rows.map((r) => [
              r.appliance,
              r.id,
              r.end,
              r.scheduled ? 'scheduled' : 'operator',
              JSON.stringify(r.scope),
              String(r.holding.length),
              r.reason ?? '-',
            ]),
          }),
        );
      return ExitCode.ok;
    }
    // Unique unless given: two operators opening windows in the same second must not share (and move) one.
    const id =
      values.end ??
      values.id ??
      `mw-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${randomBytes(2).toString('hex')}`;
    if (!WINDOW_ID.test(id)) throw new UsageError(`a window id is 1-63 lower-case letters, digits or '-', got '${id}'`);
    const scope: WindowScope = {};
    for (const [option, field] of [
      ['enclosure', 'enclosure'],
      ['server', 'resourceName'],
      ['resource-category', 'resourceCategory'],
      ['health-category', 'healthCategory'],
      ['route', 'route'],
    ] as const) {
      const patterns = values[option];
      if (patterns?.length) scope[field] = patterns;
    }
    let end = '';
    if (values.for !== undefined) {
      const ms = durationMs('for', values.for);
      if (ms > 7 * 86_400_000) throw new UsageError('--for must be at most 7d');
      end = new Date(Date.now() + ms).toISOString();
    }
    const client = await connect(config);
    const appliances = wanted.length > 0 ? wanted : await runningAppliances(client, config.taskQueue);
    if (appliances.length === 0)
      throw new OperationFailed(`no poller is running on task queue ${config.taskQueue} (TEMPORAL_TASK_QUEUE)`);
    let failed = 0;
    for (const applianceId of appliances) {
      try {
        if (values.end !== undefined) {
          const before = (await pollerStatus(client, applianceId)).windows.find((w) => w.id === id);
          if (before?.scheduled)
            throw new OperationFailed(`window ${id} is scheduled in ROUTES_FILE: change the file to end it`);
          await closeMaintenanceWindow(client, applianceId, id);
        } else
          await openMaintenanceWindow(client, applianceId, {
            id,
            scope,
            end,
            ...(values.reason ? { reason: values.reason } : {}),
          });
        // A signal has no answer: the poller's status says whether it took the window (it refuses one past a week, or
        // beyond 100 open windows, and logs why).
        const taken = await confirmed(async () => {
          const w = (await pollerStatus(client, applianceId)).windows.find((x) => x.id === id && !x.scheduled);
          return values.end !== undefined ? w === undefined : w?.end === end;
        });
        if (!taken) throw new OperationFailed(`the poller did not take the change (see the worker's log)`);
        out(`${values.end !== undefined ? 'ended' : `opened until ${end}`}: window ${id} on ${applianceId}\n`);
      } catch (e) {
        failed++;
        err(`maintenance: window ${id} on ${applianceId}: ${(e as Error).message.split('\n')[0]}\n`);
      }
    }
    return failed > 0 ? ExitCode.failed : ExitCode.ok;
  },
});

/** Asks `check` until it holds, for up to 10 s (the poller takes a signal at its next workflow task). */
async function confirmed(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
