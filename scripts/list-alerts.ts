import { listAlerts } from '../src/client/alert-operations';
import { checkDeliveryFilter, deliveryVisibilityQuery } from '../src/client/delivery-query';
import { ONEVIEW_ALERT_STATES } from '../src/shared/alert-record';
import { DELIVERY_PHASES } from '../src/shared/search-attributes';
import { relativeTime } from './lib/poller-status-table';
import { applianceIdArg, integerArg } from './lib/arguments';
import { runCommand } from './lib/command';
import { ExitCode, OperationFailed } from './lib/exit-codes';
import { formatTable } from './lib/table';

runCommand({
  name: 'list-alerts',
  summary: 'Lists alert deliveries from Temporal visibility, newest first: running ones unless --all.',
  details: [
    'Filters use the search attributes ApplianceId, AlertSeverity, AlertState and DeliveryState (register them with ' +
      'register-search-attributes). Visibility is eventually consistent: a change shows after a moment. --query ' +
      'prints the visibility query, to paste into the Web UI or `temporal workflow list --query`.',
  ],
  options: {
    appliance: { type: 'string', value: 'ID', description: 'only this appliance' },
    severity: {
      type: 'string',
      value: 'S',
      description: 'only this OneView severity: Critical, Warning, OK, Unknown, Disabled',
    },
    'alert-state': {
      type: 'string',
      value: 'S',
      description: `only this OneView alert state: ${ONEVIEW_ALERT_STATES.join(', ')}`,
    },
    'delivery-state': {
      type: 'string',
      value: 'S',
      description: `only this delivery phase: ${DELIVERY_PHASES.join(', ')}`,
    },
    all: { type: 'boolean', description: 'closed deliveries too (resolved, failed, terminated)' },
    limit: { type: 'string', value: 'N', description: 'at most N deliveries (default 100)' },
    query: { type: 'boolean', description: 'print the visibility query on stderr' },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
  },
  examples: [
    '--severity Critical',
    '--appliance synergy-a --all --delivery-state failed',
    '--alert-state Cleared --all --json',
  ],
  async run(values, { connect, temporalConfig, out, err }) {
    const limit = values.limit === undefined ? 100 : integerArg('limit', values.limit, 1, 10_000);
    const wanted = {
      applianceId: values.appliance === undefined ? undefined : applianceIdArg(values.appliance),
      severity: values.severity,
      alertState: values['alert-state'],
      deliveryState: values['delivery-state'],
      includeClosed: values.all ?? false,
    };
    // Checked before the configuration is read: a bad filter value is a usage error whatever the environment.
    checkDeliveryFilter(wanted);
    const config = temporalConfig();
    const filter = { ...wanted, taskQueue: config.taskQueue };
    const query = deliveryVisibilityQuery(filter);
    if (values.query) err(`${query}\n`);
    const client = await connect(config);
    const rows = await listAlerts(client, filter, limit).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      if (!/search attribute/i.test(message)) throw e;
      throw new OperationFailed(
        `the namespace ${config.namespace} lacks the bridge's search attributes (run register-search-attributes): ${message.split('\n')[0]}`,
        { cause: e },
      );
    });
    if (values.json) {
      out(`${JSON.stringify(rows, null, 2)}\n`);
      return ExitCode.ok;
    }
    if (rows.length === 0) {
      err(`list-alerts: no ${filter.includeClosed ? '' : 'running '}delivery matches\n`);
      return ExitCode.ok;
    }
    const now = Date.now();
    const columns = ['APPLIANCE', 'ALERT', 'SEVERITY', 'ALERT STATE', 'DELIVERY', 'STARTED', 'STATUS'];
    const table = rows.map((r) => [
      r.applianceId,
      r.alertId,
      r.severity ?? '-',
      r.alertState ?? '-',
      r.deliveryState ?? '-',
      `${r.startTime.replace(/\.\d+Z$/, 'Z')} (${relativeTime(r.startTime, now)})`,
      r.status.toLowerCase(),
    ]);
    out(formatTable({ columns, rows: table }));
    if (rows.length >= limit) err(`list-alerts: showing the first ${limit}; use --limit for more\n`);
    return ExitCode.ok;
  },
});
