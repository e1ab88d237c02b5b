import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { PROMQL_KEYWORDS } from './rule-scope';
import { runPromtool } from '../support/promtool';

/**
 * The bridge's own monitoring: the Prometheus alert rules (checked and unit-tested with promtool), their runbook,
 * and the Grafana dashboard (valid JSON, every query on the template data source, every metric one the bridge,
 * prom-client or the Temporal SDK exports, every expression valid PromQL; dashboard.test.ts checks its scoping).
 */

const ROOT = resolve(__dirname, '../..');
const RULES = join(ROOT, 'deploy/helm/hponeview-pagerduty-bridge/files/bridge-alerts.rules.yaml');
const RULE_TESTS = join(ROOT, 'deploy/monitoring/rules-tests.yaml');
const RUNBOOK = join(ROOT, 'deploy/monitoring/README.md');
const DASHBOARD = join(ROOT, 'deploy/helm/hponeview-pagerduty-bridge/files/grafana-dashboard.json');

// ------------------------------------------------------------------------------------------- known metric names

/** The bridge's own series (worker on 9464, web process on 8080). */
const BRIDGE_COUNTERS = [
  'oneview_alerts_processed_total',
  'pagerduty_alerts_sent_total',
  'pagerduty_alerts_failed_total',
  'pagerduty_send_errors_total',
  'oneview_poll_failures_total',
  'oneview_alerts_rejected_total',
  'web_requests_total',
  'webhook_alerts_received_total',
  'oneview_scmb_messages_total',
  'oneview_scmb_reconnects_total',
];
const BRIDGE_GAUGES = [
  'oneview_session_active',
  'processed_alerts_count',
  'oneview_oldest_open_alert_start_timestamp_seconds',
  'oneview_last_successful_poll_timestamp_seconds',
  'oneview_poll_interval_seconds',
  'oneview_scmb_connected',
];
const BRIDGE_HISTOGRAMS = [
  'oneview_auth_duration_seconds',
  'oneview_api_latency_seconds',
  'alert_delivery_duration_seconds',
  'web_request_duration_seconds',
];
/** Series Prometheus itself makes: scrape health. */
const PROMETHEUS_SERIES = ['up'];

/**
 * Temporal SDK (Core) worker and client metrics, prefixed `temporal_`, as the Prometheus exporter names them with
 * `countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true` (counters end in `_total`, duration
 * histograms in `_seconds`). Names from Core's telemetry/metrics.rs and the SDK metrics reference.
 */
const TEMPORAL_COUNTERS = [
  'workflow_completed',
  'workflow_failed',
  'workflow_canceled',
  'workflow_continue_as_new',
  'workflow_task_queue_poll_empty',
  'workflow_task_queue_poll_succeed',
  'workflow_task_execution_failed',
  'activity_poll_no_task',
  'activity_task_received',
  'activity_execution_failed',
  'local_activity_execution_cancelled',
  'local_activity_execution_failed',
  'sticky_cache_hit',
  'sticky_cache_miss',
  'sticky_cache_total_forced_eviction',
  'worker_start',
  'request',
  'request_failure',
  'long_request',
  'long_request_failure',
];
const TEMPORAL_GAUGES = ['worker_task_slots_available', 'worker_task_slots_used', 'sticky_cache_size', 'num_pollers'];
const TEMPORAL_DURATION_HISTOGRAMS = [
  'workflow_endtoend_latency',
  'workflow_task_schedule_to_start_latency',
  'workflow_task_execution_latency',
  'workflow_task_replay_latency',
  'activity_schedule_to_start_latency',
  'activity_execution_latency',
  'activity_succeed_endtoend_latency',
  'local_activity_execution_latency',
  'local_activity_succeed_endtoend_latency',
  'request_latency',
  'long_request_latency',
];

const histogramSeries = (name: string) => [`${name}_bucket`, `${name}_sum`, `${name}_count`];

const KNOWN_SERIES = new Set<string>([
  ...BRIDGE_COUNTERS,
  ...BRIDGE_GAUGES,
  ...BRIDGE_HISTOGRAMS.flatMap(histogramSeries),
  ...PROMETHEUS_SERIES,
  ...TEMPORAL_COUNTERS.map((n) => `temporal_${n}_total`),
  ...TEMPORAL_GAUGES.map((n) => `temporal_${n}`),
  ...TEMPORAL_DURATION_HISTOGRAMS.flatMap((n) => histogramSeries(`temporal_${n}_seconds`)),
]);

// ------------------------------------------------------------------------------------------- helpers

/** The metric names a PromQL expression selects (strings, label matchers, ranges and grouping labels removed). */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, '$1 ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w:$.])([a-zA-Z_:][\w:]*)(?!\s*\(|[\w:])/g)) {
    const name = m[1] as string;
    if (!PROMQL_KEYWORDS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}

interface AlertRule {
  name: string;
  block: string;
  expr: string;
}

/** Splits the rule file into its alerting rules (no YAML library: the file keeps one `- alert:` per rule). */
function parseAlerts(text: string): AlertRule[] {
  const lines = text.split('\n');
  const rules: AlertRule[] = [];
  let current: { name: string; lines: string[] } | undefined;
  const flush = () => {
    if (current) rules.push({ name: current.name, block: current.lines.join('\n'), expr: exprOf(current.lines) });
  };
  for (const line of lines) {
    const start = /^\s*-\s+(alert|record):\s*(\S+)/.exec(line);
    const group = /^\s*-\s+name:/.test(line);
    if (start || group) {
      flush();
      current = start && start[1] === 'alert' ? { name: start[2] as string, lines: [line] } : undefined;
    } else if (current) {
      current.lines.push(line);
    }
  }
  flush();
  return rules;
}

/** The `expr:` of one rule, inline or as a block scalar (`expr: |`). */
function exprOf(lines: string[]): string {
  const at = lines.findIndex((l) => /^\s*expr:/.test(l));
  if (at < 0) return '';
  const first = lines[at] as string;
  const indent = first.search(/\S/);
  const inline = first.replace(/^\s*expr:\s*/, '');
  if (!/^[|>][-+]?\s*$/.test(inline)) return inline.replace(/^(['"])(.*)\1$/, '$2');
  const body: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (l.trim() !== '' && l.search(/\S/) <= indent) break;
    body.push(l.trim());
  }
  return body.join('\n').trim();
}

/** GitHub's anchor of a Markdown heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

// ------------------------------------------------------------------------------------------- alert rules

describe('alert rules', () => {
  const rulesText = readFileSync(RULES, 'utf8');
  const testsText = readFileSync(RULE_TESTS, 'utf8');
  const alerts = parseAlerts(rulesText);

  test('the rule file is a plain Prometheus rule file with alerts', () => {
    expect(rulesText).toMatch(/^groups:/m);
    expect(rulesText).not.toMatch(/^---/m);
    expect(alerts.length).toBeGreaterThanOrEqual(5);
    expect(alerts.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        'BridgeDeliveriesFailing',
        'BridgeDeliveriesRetrying',
        'OneViewApplianceUnreachable',
        'OneViewSessionInvalid',
        'OneViewNoSuccessfulPoll',
        'BridgeWorkerDown',
        'BridgeWorkflowTaskFailing',
        'OneViewCertificateRefused',
        'OneViewAlertsRejected',
        'OneViewScmbDown',
      ]),
    );
    expect(new Set(alerts.map((a) => a.name)).size).toBe(alerts.length);
  });

  test('promtool check rules accepts the rule file', () => {
    const { status, output } = runPromtool(['check', 'rules', RULES]);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    expect(output).toContain(`SUCCESS: ${alerts.length} rules found`);
  });

  test('promtool test rules passes every unit test', () => {
    const { status, output } = runPromtool(['test', 'rules', RULE_TESTS]);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  test('every alert has a unit test where it fires and one where it stays quiet', () => {
    const fires = new Set<string>();
    const quiet = new Set<string>();
    for (const m of testsText.matchAll(/alertname:\s*(\S+)\s*\n\s*exp_alerts:[ \t]*(\[\])?/g)) {
      (m[2] ? quiet : fires).add(m[1] as string);
    }
    const missing = alerts
      .map((a) => a.name)
      .flatMap((name) => [
        ...(fires.has(name) ? [] : [`${name}: no case where it fires`]),
        ...(quiet.has(name) ? [] : [`${name}: no case where it must not fire`]),
      ]);
    expect(missing).toEqual([]);
    // And no test names an alert that does not exist.
    const names = new Set(alerts.map((a) => a.name));
    expect([...fires, ...quiet].filter((n) => !names.has(n))).toEqual([]);
  });

  test('every alert has a severity, a summary, a description and a runbook section', () => {
    const runbook = readFileSync(RUNBOOK, 'utf8');
    const anchors = new Set([...runbook.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1] as string)));
    const problems: string[] = [];
    for (const a of alerts) {
      if (!/^\s+severity:\s*(critical|warning)\s*$/m.test(a.block))
        problems.push(`${a.name}: severity critical|warning`);
      if (!/^\s+summary:\s*\S/m.test(a.block)) problems.push(`${a.name}: summary`);
      const description = /^\s+description:\s*(.+)$/m.exec(a.block)?.[1] ?? '';
      if (!description) problems.push(`${a.name}: description`);
      if (/by \(appliance/.test(a.expr) && !description.includes('{{ $labels.appliance }}')) {
        problems.push(`${a.name}: description must name {{ $labels.appliance }}`);
      }
      const runbookUrl = /^\s+runbook_url:\s*"?([^"\s]+)"?/m.exec(a.block)?.[1] ?? '';
      const [path, anchor] = runbookUrl.split('#');
      if (path !== 'deploy/monitoring/README.md' || anchor !== a.name.toLowerCase()) {
        problems.push(
          `${a.name}: runbook_url ${runbookUrl} should be deploy/monitoring/README.md#${a.name.toLowerCase()}`,
        );
      }
      if (!anchors.has(a.name.toLowerCase())) problems.push(`${a.name}: no "## ${a.name}" section in ${RUNBOOK}`);
    }
    expect(problems).toEqual([]);
  });

  test('alert expressions use only metrics the bridge, Prometheus or the Temporal SDK export', () => {
    const unknown = alerts.flatMap((a) => {
      expect(a.expr).not.toBe('');
      return metricNames(a.expr)
        .filter((n) => !KNOWN_SERIES.has(n))
        .map((n) => `${a.name}: ${n}`);
    });
    expect(unknown).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------- dashboard

interface Target {
  expr?: string;
  refId?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}

/** prom-client's default metrics (process_*, nodejs_*), which both processes export: the dashboard's runtime panels. */
function promClientDefaultSeries(): string[] {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry
    .getMetricsAsArray()
    .flatMap((m) => (String(m.type) === 'histogram' ? histogramSeries(m.name) : [m.name]));
}

describe('grafana dashboard', () => {
  const DASHBOARD_SERIES = new Set([...KNOWN_SERIES, ...promClientDefaultSeries()]);
  const text = readFileSync(DASHBOARD, 'utf8');
  const dashboard = JSON.parse(text) as {
    schemaVersion: number;
    uid: string;
    title: string;
    panels: Panel[];
    templating: {
      list: Array<{
        name: string;
        type: string;
        query?: unknown;
        definition?: string;
        multi?: boolean;
        datasource?: { uid?: string };
      }>;
    };
  };
  const allPanels = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
  const queryPanels = allPanels.filter((p) => p.type !== 'row');
  const targets = queryPanels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p, target: t })));

  test('is a schemaVersion 39+ dashboard with a prometheus data source variable and an appliance variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    const vars = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(vars.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const appliance = vars.get('appliance');
    expect(appliance).toMatchObject({ type: 'query', multi: true, datasource: { uid: '${datasource}' } });
    // Every appliance the release's workers are configured with: the poll interval is set at start, before any poll.
    const query = 'label_values(oneview_poll_interval_seconds{job="$job", namespace="$namespace"}, appliance)';
    expect(appliance?.definition).toBe(query);
    expect(JSON.stringify(appliance?.query)).toContain(JSON.stringify(query).slice(1, -1));
  });

  test('panel ids are unique', () => {
    const ids = allPanels.map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('every panel queries the ${datasource} variable', () => {
    const wrong = [
      ...queryPanels.filter((p) => p.datasource?.uid !== '${datasource}' || p.datasource?.type !== 'prometheus'),
      ...targets
        .filter(({ target }) => target.datasource && target.datasource.uid !== '${datasource}')
        .map((t) => t.panel),
      ...queryPanels.filter((p) => (p.targets ?? []).length === 0),
      ...allPanels.filter((p) => p.type === 'row' && (p.targets ?? []).length > 0),
    ].map((p) => `${p.id} ${p.title}`);
    expect(wrong).toEqual([]);
  });

  test('every query uses only metrics the bridge, Prometheus, prom-client or the Temporal SDK export', () => {
    const unknown = targets.flatMap(({ panel, target }) => {
      const names = metricNames(target.expr ?? '');
      if (names.length === 0) return [`${panel.title} ${target.refId}: no metric`];
      return names.filter((n) => !DASHBOARD_SERIES.has(n)).map((n) => `${panel.title} ${target.refId}: ${n}`);
    });
    expect(unknown).toEqual([]);
    // And so do the variables' queries.
    const variableQueries = dashboard.templating.list
      .filter((v) => v.type === 'query')
      // label_values(selector, label): the label is no metric.
      .map((v) => ({ name: v.name, names: metricNames((v.definition ?? '').replace(/,\s*\w+\s*\)$/, ')')) }));
    expect(
      variableQueries.filter((v) => v.names.length === 0 || v.names.some((n) => !DASHBOARD_SERIES.has(n))),
    ).toEqual([]);
  });

  test('the dashboard covers the required metrics', () => {
    const used = new Set(targets.flatMap(({ target }) => metricNames(target.expr ?? '')));
    const required = [
      'oneview_alerts_processed_total',
      'pagerduty_alerts_sent_total',
      'pagerduty_alerts_failed_total',
      'pagerduty_send_errors_total',
      'alert_delivery_duration_seconds_bucket',
      'oneview_api_latency_seconds_bucket',
      'oneview_auth_duration_seconds_count',
      'oneview_session_active',
      'processed_alerts_count',
      'oneview_last_successful_poll_timestamp_seconds',
      'oneview_poll_interval_seconds',
      'oneview_poll_failures_total',
      'web_requests_total',
      'webhook_alerts_received_total',
      'temporal_workflow_task_schedule_to_start_latency_seconds_bucket',
      'temporal_activity_schedule_to_start_latency_seconds_bucket',
      'temporal_worker_task_slots_available',
      'temporal_activity_execution_failed_total',
      'temporal_sticky_cache_size',
      'oneview_scmb_connected',
      'oneview_scmb_messages_total',
      'oneview_scmb_reconnects_total',
      'up',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds_sum',
      'process_resident_memory_bytes',
    ];
    expect(required.filter((n) => !used.has(n))).toEqual([]);
  });

  test('every query is valid PromQL (promtool check rules on the expressions, Grafana variables filled in)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-dashboard-'));
    try {
      const rules = targets.map(({ panel, target }) => {
        const expr = (target.expr ?? '')
          .replace(/\$__rate_interval|\$__interval|\$\{__rate_interval\}|\$\{__interval\}/g, '5m')
          .replace(/\$__range|\$\{__range\}/g, '1h')
          .replace(/\$\{?appliance\}?/g, '.*')
          .replace(/\$\{?namespace\}?/g, 'bridge')
          .replace(/\$\{?job\}?/g, 'bridge-hponeview-pagerduty-bridge-worker')
          .replace(/\$\{?web_job\}?/g, 'bridge-hponeview-pagerduty-bridge-web')
          .replace(/\$\{?temporal_namespace\}?/g, 'default');
        expect(expr).not.toContain('$');
        return `      - record: dashboard:panel_${panel.id}:${target.refId}\n        expr: ${JSON.stringify(expr)}`;
      });
      const file = join(dir, 'dashboard-queries.rules.yaml');
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      const { status, output } = runPromtool(['check', 'rules', file]);
      expect({ status, output }).toEqual({
        status: 0,
        output: expect.stringContaining(`SUCCESS: ${rules.length} rules found`),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('metricNames finds selectors, not functions, labels, durations or keywords', () => {
  expect(
    metricNames(
      'sum by (appliance, le) (rate(foo_total{a=~"x|y", b="$v"}[$__rate_interval])) / on (appliance) group_left bar ' +
        'unless on (appliance) baz offset 30m > 0.95 and absent(up{job=~".*bridge.*"} == 1) or time() - qux_seconds',
    ).sort(),
  ).toEqual(['bar', 'baz', 'foo_total', 'qux_seconds', 'up']);
});
