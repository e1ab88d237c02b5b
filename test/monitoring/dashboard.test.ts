import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createBridgeMetrics } from '../../src/activities/bridge-metrics';
import { sendTaskQueueOf } from '../../src/shared/send-queue';
import { createWebMetrics } from '../../src/web/web-metrics';
import { type Selector, selectors } from './rule-scope';
import { runPromtool } from '../support/promtool';

/**
 * The Grafana dashboard shows one release of the bridge: every expression is scoped by the template variables to
 * the release's Kubernetes namespace and scrape jobs (and the Temporal namespace on the SDK's `temporal_*` series,
 * which keep it over the Kubernetes one), so that another application's web_requests_total, temporal_* or nodejs_*
 * series, or a second release of the bridge, never show on it. Also: the variables that do the scoping, the status
 * row, the runtime panels, and a layout without overlaps. alert-rules.test.ts checks the metric names and PromQL.
 */

const ROOT = resolve(__dirname, '../..');
const DASHBOARD = join(ROOT, 'deploy/helm/hponeview-pagerduty-bridge/files/grafana-dashboard.json');
const PROMETHEUS_RULE = join(ROOT, 'deploy/helm/hponeview-pagerduty-bridge/templates/prometheusrule.yaml');

// ------------------------------------------------------------------------------------------- the dashboard

interface Target {
  expr?: string;
  refId?: string;
  instant?: boolean;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  collapsed?: boolean;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: unknown;
  definition?: string;
  regex?: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  refresh?: number;
  datasource?: { type?: string; uid?: string };
}
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
  panels: Panel[];
  templating: { list: Variable[] };
  annotations: { list: Array<{ name: string; expr?: string }> };
};
const allPanels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const queryPanels = allPanels.filter((p) => p.type !== 'row');
const targets = queryPanels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ where: `panel ${p.id} "${p.title}" ${t.refId}`, panel: p, expr: t.expr ?? '' })),
);
const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));
/** A variable's query: a string, or { query } as Grafana saves a Prometheus query variable. */
function variableQuery(v: Variable | undefined): string {
  const query = v?.query;
  if (typeof query === 'string') return query;
  return (query as { query?: string } | undefined)?.query ?? '';
}

/** The expression a variable's query evaluates: the selector of label_values(), the query of query_result(). */
function variableExpr(query: string): { expr: string; label?: string } {
  const labelValues = /^label_values\(\s*([\s\S]+),\s*(\w+)\s*\)$/.exec(query);
  if (labelValues) return { expr: labelValues[1] as string, label: labelValues[2] as string };
  const queryResult = /^query_result\(([\s\S]+)\)$/.exec(query);
  if (queryResult) return { expr: queryResult[1] as string };
  throw new Error(`variable query ${query} is neither label_values(selector, label) nor query_result(expr)`);
}

/**
 * The vector selectors of an expression. String arguments outside braces (label_replace's) are blanked first: the
 * selector parser of rule-scope.ts would read a word in them as a metric name.
 */
const selectorsOf = (expr: string): Selector[] =>
  selectors(expr.replace(/\{[^}]*\}|"(?:[^"\\]|\\.)*"/g, (m) => (m.startsWith('{') ? m : '""')));

// ------------------------------------------------------------------------------------------- who exports what

/** The series a registry exports (histograms as their three series), with their label names. */
function exported(registry: Registry): Map<string, string[]> {
  const series = new Map<string, string[]>();
  for (const metric of registry.getMetricsAsArray()) {
    const labels = (metric as unknown as { labelNames?: string[] }).labelNames ?? [];
    const names =
      String(metric.type) === 'histogram'
        ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`]
        : [metric.name];
    for (const name of names) series.set(name, labels);
  }
  return series;
}
/** The worker's own series (port 9464) and the web process's (8080), from the code that creates them. */
const WORKER_SERIES = exported(createBridgeMetrics(new Registry()).registry);
const WEB_SERIES = exported(createWebMetrics().registry);
/** prom-client's default metrics (process_*, nodejs_*), which both processes export beside their own. */
const RUNTIME_SERIES = (() => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return exported(registry);
})();

// ------------------------------------------------------------------------------------------- the release scope

const NAMESPACE = 'namespace="$namespace"';
const TEMPORAL_NAMESPACE = 'namespace="$temporal_namespace"';
const WORKER_JOB = 'job="$job"';
const WEB_JOB = 'job="$web_job"';
const BOTH_JOBS = 'job=~"$job|$web_job"';
const APPLIANCE = 'appliance=~"$appliance"';
/** The processes each job matcher of the dashboard selects. */
const JOBS: Record<string, Array<'worker' | 'web'>> = {
  [WORKER_JOB]: ['worker'],
  [WEB_JOB]: ['web'],
  [BOTH_JOBS]: ['worker', 'web'],
};
const show = (m: { label: string; op: string; value: string }) => `${m.label}${m.op}${JSON.stringify(m.value)}`;

/** What is wrong with the scoping of one selector of a panel query (nothing: []). */
function scopeProblems({ metric, matchers }: Selector): string[] {
  const has = new Set(matchers.map(show));
  const jobs = matchers.filter((m) => m.label === 'job').map(show);
  const namespaces = matchers.filter((m) => m.label === 'namespace').map(show);
  const problems: string[] = [];
  const expect1 = (what: string, found: string[], allowed: string[]) => {
    if (found.length !== 1 || !allowed.includes(found[0] as string))
      problems.push(`${metric}: ${what} ${found.join(', ') || '(none)'}, expected ${allowed.join(' or ')}`);
  };
  if (metric.startsWith('temporal_')) {
    // The SDK's series: the worker's job, and the Temporal namespace in `namespace`.
    expect1('job', jobs, [WORKER_JOB]);
    expect1('namespace', namespaces, [TEMPORAL_NAMESPACE]);
    return problems;
  }
  expect1('namespace', namespaces, [NAMESPACE]);
  const exporters = [
    ...(WORKER_SERIES.has(metric) ? ['worker'] : []),
    ...(WEB_SERIES.has(metric) ? ['web'] : []),
  ].sort();
  if (exporters.length > 0) {
    // The bridge's own series: the job of exactly the processes that export the metric, and the appliance filter.
    const exact = Object.keys(JOBS).filter(
      (j) => JSON.stringify([...(JOBS[j] ?? [])].sort()) === JSON.stringify(exporters),
    );
    expect1('job', jobs, exact);
    const labels = WORKER_SERIES.get(metric) ?? WEB_SERIES.get(metric) ?? [];
    if (labels.includes('appliance') && !has.has(APPLIANCE)) problems.push(`${metric}: no ${APPLIANCE}`);
  } else if (RUNTIME_SERIES.has(metric) || metric === 'up') {
    // Both processes export these (up: Prometheus, per target): any job of the release.
    expect1('job', jobs, Object.keys(JOBS));
  } else {
    problems.push(`${metric}: no process of the bridge exports it`);
  }
  return problems;
}

// ------------------------------------------------------------------------------------------- promtool

/** A release as alert-scope.test.ts has it, for filling in the variables. */
const RELEASE = {
  namespace: 'bridge',
  job: 'bridge-hponeview-pagerduty-bridge-worker',
  web_job: 'bridge-hponeview-pagerduty-bridge-web',
  temporal_namespace: 'default',
};
const FILLED: Record<string, string> = {
  ...RELEASE,
  appliance: '.*',
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1h',
};
/** An expression with the Grafana variables of the dashboard filled in for {@link RELEASE}. */
const fill = (expr: string) =>
  expr.replace(
    /\$\{(\w+)(?::\w+)?\}|\$(\w+)/g,
    (all, braced?: string, plain?: string) => FILLED[braced ?? plain ?? ''] ?? all,
  );

/** promtool test rules on PromQL expression tests alone (no rule file). */
function promtoolExprTests(dir: string, name: string, tests: string): { status: number; output: string } {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `rule_files: []\nevaluation_interval: 1m\ntests:\n${tests}`);
  return runPromtool(['test', 'rules', file]);
}

const series = (name: string, labels: Record<string, string>, values: string) =>
  `      - series: '${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}'\n        values: '${values}'`;

// ------------------------------------------------------------------------------------------- tests

describe('dashboard scoping', () => {
  test('reads who exports what from the code', () => {
    expect(WORKER_SERIES.get('oneview_session_active')).toEqual(['appliance']);
    expect(WEB_SERIES.has('web_requests_total')).toBe(true);
    expect(WORKER_SERIES.has('web_requests_total')).toBe(false);
    expect([...RUNTIME_SERIES.keys()]).toEqual(
      expect.arrayContaining([
        'process_resident_memory_bytes',
        'nodejs_heap_size_used_bytes',
        'nodejs_eventloop_lag_p99_seconds',
        'nodejs_gc_duration_seconds_sum',
      ]),
    );
  });

  test('every selector of every panel query is scoped to the release', () => {
    expect(targets.length).toBeGreaterThan(40);
    const wrong = targets.flatMap(({ where, expr }) => {
      const found = selectorsOf(expr);
      if (found.length === 0) return [`${where}: no selector`];
      return found.flatMap((s) => scopeProblems(s).map((p) => `${where}: ${p}`));
    });
    expect(wrong).toEqual([]);
  });

  test('the scoping check catches an unscoped or wrongly scoped selector', () => {
    const problems = (expr: string) => selectorsOf(expr).flatMap(scopeProblems);
    expect(problems('sum(rate(web_requests_total[5m]))')).toHaveLength(2);
    expect(problems('temporal_sticky_cache_size{job="$job", namespace="$namespace"}')).toHaveLength(1);
    expect(problems('oneview_session_active{job="$job", namespace="$namespace"}')).toEqual([
      `oneview_session_active: no ${APPLIANCE}`,
    ]);
    expect(
      problems('webhook_alerts_received_total{job="$job", namespace="$namespace", appliance=~"$appliance"}'),
    ).toEqual([`webhook_alerts_received_total: job job="$job", expected job="$web_job"`]);
    expect(problems('nodejs_heap_size_used_bytes{job=~".*bridge.*", namespace="$namespace"}')).toHaveLength(1);
    expect(problems('max(up{job=~"$job|$web_job", namespace="$namespace"}) or vector(0)')).toEqual([]);
    expect(problems('made_up_total{job="$job", namespace="$namespace"}')).toEqual([
      'made_up_total: no process of the bridge exports it',
    ]);
  });

  test("another application's or release's series of the same names never show on a panel", () => {
    // Every series a panel reads, from the same job in another namespace, another job in the same namespace, and (for
    // the SDK's series) the release's job in another Temporal namespace: each query must come back empty (a stat's
    // `or vector(0)` gives its 0).
    const foreign = (metric: string): Array<Record<string, string>> =>
      metric.startsWith('temporal_')
        ? [
            { job: RELEASE.job, namespace: 'other-temporal-namespace' },
            { job: 'other-app-worker', namespace: RELEASE.temporal_namespace },
          ]
        : [
            { job: RELEASE.job, namespace: 'staging' },
            { job: RELEASE.web_job, namespace: 'staging' },
            { job: 'other-app', namespace: RELEASE.namespace },
          ];
    const metrics = new Set(targets.flatMap(({ expr }) => selectorsOf(expr).map((s) => s.metric)));
    const input = [...metrics].flatMap((metric) =>
      foreign(metric).flatMap((labels) => {
        const common = {
          ...labels,
          appliance: 'synergy-a',
          task_queue: sendTaskQueueOf('oneview-pagerduty-bridge'),
          instance: '10.0.9.5:9464',
        };
        if (metric.endsWith('_bucket')) return ['1', '+Inf'].map((le) => series(metric, { ...common, le }, '0+10x30'));
        return [series(metric, common, metric.endsWith('_timestamp_seconds') ? '0+60x30' : '1+1x30')];
      }),
    );
    const checks = targets.map(({ where, expr }) => {
      const zero = /\bor vector\(0\)\s*$/.test(expr);
      return `      # ${where}\n      - expr: ${JSON.stringify(fill(expr))}\n        eval_time: 20m\n        exp_samples:${
        zero ? "\n          - labels: '{}'\n            value: 0" : ' []'
      }`;
    });
    const dir = mkdtempSync(join(tmpdir(), 'bridge-dashboard-scope-'));
    try {
      const tests = `  - name: foreign series only\n    interval: 1m\n    input_series:\n${input.join('\n')}\n    promql_expr_test:\n${checks.join('\n')}\n`;
      const { status, output } = promtoolExprTests(dir, 'foreign', tests);
      expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the annotation of firing alerts is the one unscoped query (alerts carry no release label)', () => {
    const exprs = dashboard.annotations.list.filter((a) => a.expr);
    expect(exprs.map((a) => selectorsOf(a.expr ?? '').map((s) => s.metric))).toEqual([['ALERTS']]);
    expect(exprs[0]?.expr).toContain('service="hponeview-pagerduty-bridge"');
  });
});

describe('dashboard variables', () => {
  const names = dashboard.templating.list.map((v) => v.name);

  test('datasource, namespace, job, web_job, temporal_namespace and appliance, each after those it uses', () => {
    expect(names).toEqual(['datasource', 'namespace', 'job', 'web_job', 'temporal_namespace', 'appliance']);
    const late = dashboard.templating.list.flatMap((v, i) =>
      [...variableQuery(v).matchAll(/\$\{?([a-zA-Z_]\w*)/g)]
        .map((m) => m[1] as string)
        .filter((used) => !names.slice(0, i).includes(used))
        .map((used) => `${v.name} uses $${used}`),
    );
    expect(late).toEqual([]);
  });

  test('the query variables query the ${datasource} variable and are consistent', () => {
    const wrong = dashboard.templating.list
      .filter((v) => v.name !== 'datasource')
      .flatMap((v) => [
        ...(v.type === 'query' ? [] : [`${v.name}: type ${v.type}`]),
        ...(v.datasource?.uid === '${datasource}' && v.datasource?.type === 'prometheus'
          ? []
          : [`${v.name}: datasource`]),
        ...(v.definition === variableQuery(v) ? [] : [`${v.name}: definition differs from the query`]),
        ...([1, 2].includes(v.refresh ?? 0) ? [] : [`${v.name}: never refreshed`]),
      ]);
    expect(wrong).toEqual([]);
    // One release at a time: the scoping variables take one value each.
    for (const name of ['namespace', 'job', 'web_job', 'temporal_namespace'])
      expect(variables.get(name)).toMatchObject({ multi: false, includeAll: false });
    expect(variables.get('appliance')).toMatchObject({ multi: true, includeAll: true, allValue: '.*' });
  });

  test('each variable is read from the series it scopes, narrowed by the variables before it', () => {
    const parsed = (name: string) => {
      const { expr, label } = variableExpr(variableQuery(variables.get(name)));
      const found = selectorsOf(expr);
      return { expr, label, metrics: found.map((s) => s.metric), matchers: found.map((s) => s.matchers.map(show)) };
    };
    const namespace = parsed('namespace');
    expect(namespace.label).toBe('namespace');
    expect(namespace.metrics).toHaveLength(1);
    expect(WORKER_SERIES.has(namespace.metrics[0] as string)).toBe(true);

    const job = parsed('job');
    expect(job.label).toBe('job');
    expect(job.metrics).toEqual(namespace.metrics);
    expect(job.matchers).toEqual([[NAMESPACE]]);

    const appliance = parsed('appliance');
    expect(appliance.label).toBe('appliance');
    expect(WORKER_SERIES.get(appliance.metrics[0] as string)).toContain('appliance');
    expect(appliance.matchers).toEqual([[WORKER_JOB, NAMESPACE]]);

    const temporalNamespace = parsed('temporal_namespace');
    expect(temporalNamespace.label).toBe('namespace');
    expect(temporalNamespace.metrics).toHaveLength(1);
    expect(temporalNamespace.metrics[0]).toMatch(/^temporal_/);
    expect(temporalNamespace.matchers).toEqual([[WORKER_JOB]]);

    const webJob = parsed('web_job');
    expect(webJob.label).toBeUndefined();
    expect(webJob.metrics).toEqual(['up']);
    expect(webJob.matchers).toEqual([[WORKER_JOB, NAMESPACE]]);
  });

  test('web_job is the worker job with -worker replaced by -web, as the chart names the two jobs', () => {
    const chart = readFileSync(PROMETHEUS_RULE, 'utf8');
    expect(chart).toContain('printf "%s-worker" $fullname');
    expect(chart).toContain('printf "%s-web" $fullname');
    const webJob = variables.get('web_job');
    const { expr } = variableExpr(variableQuery(webJob));
    const dir = mkdtempSync(join(tmpdir(), 'bridge-dashboard-vars-'));
    try {
      const tests = `  - name: web_job from the worker job
    interval: 1m
    input_series:
${series('up', { job: RELEASE.job, namespace: RELEASE.namespace, instance: '10.0.0.5:9464' }, '1x10')}
${series('up', { job: RELEASE.job, namespace: RELEASE.namespace, instance: '10.0.0.5:9465' }, '1x10')}
${series('up', { job: RELEASE.job, namespace: 'staging', instance: '10.0.9.5:9464' }, '1x10')}
${series('up', { job: 'other-worker', namespace: RELEASE.namespace, instance: '10.0.0.9:9464' }, '1x10')}
    promql_expr_test:
      - expr: ${JSON.stringify(fill(expr))}
        eval_time: 5m
        exp_samples:
          - labels: '{web_job="${RELEASE.web_job}"}'
            value: 1
`;
      const { status, output } = promtoolExprTests(dir, 'web-job', tests);
      expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Grafana's regex picks the value out of query_result's text for the series: `{labels} value timestamp`.
    const regex = /^\/(.*)\/$/.exec(webJob?.regex ?? '')?.[1] ?? '';
    expect(new RegExp(regex).exec(`{web_job="${RELEASE.web_job}"} 1 1700000000000`)?.[1]).toBe(RELEASE.web_job);
  });

  test('every variable a query uses exists, and every variable query is valid PromQL', () => {
    const undefinedVars = [...targets.map((t) => t.expr), ...dashboard.templating.list.map(variableQuery)].flatMap(
      (expr) =>
        [...expr.matchAll(/\$\{?([a-zA-Z_]\w*)/g)]
          .map((m) => m[1] as string)
          .filter((name) => !name.startsWith('__') && !variables.has(name)),
    );
    expect(undefinedVars).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'bridge-dashboard-vars-'));
    try {
      const queries = dashboard.templating.list.filter((v) => v.type === 'query');
      const rules = queries.map(
        (v) =>
          `      - record: dashboard:variable_${v.name}\n        expr: ${JSON.stringify(fill(variableExpr(variableQuery(v)).expr))}`,
      );
      const file = join(dir, 'variables.rules.yaml');
      writeFileSync(file, `groups:\n  - name: variables\n    rules:\n${rules.join('\n')}\n`);
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

describe('dashboard panels', () => {
  /** Top-level panels in reading order, and the panels under each row up to the next one. */
  const ordered = [...dashboard.panels].sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x);
  const rowOf = (title: RegExp) => {
    const start = ordered.findIndex((p) => p.type === 'row' && title.test(p.title));
    if (start < 0) return [];
    const end = ordered.findIndex((p, i) => i > start && p.type === 'row');
    return ordered.slice(start + 1, end < 0 ? undefined : end);
  };
  const exprsOf = (p: Panel) => (p.targets ?? []).map((t) => t.expr ?? '');
  const reads = (p: Panel, metric: string) => exprsOf(p).some((e) => selectorsOf(e).some((s) => s.metric === metric));

  test('a status row comes first, with the at-a-glance panels', () => {
    expect(ordered[0]).toMatchObject({ type: 'row', title: 'Status', gridPos: { y: 0 } });
    const status = rowOf(/^Status$/);
    const stats = status.filter((p) => p.type === 'stat');
    const titled = (title: RegExp) => status.filter((p) => title.test(p.title));

    // Appliances healthy: a session and a successful poll within 3 poll intervals.
    const healthy = titled(/appliances healthy/i);
    expect(healthy.map((p) => p.type)).toEqual(['stat']);
    for (const metric of [
      'oneview_session_active',
      'oneview_last_successful_poll_timestamp_seconds',
      'oneview_poll_interval_seconds',
    ])
      expect(reads(healthy[0] as Panel, metric)).toBe(true);
    expect(
      exprsOf(healthy[0] as Panel).every((e) => e.includes('<= 3 * max by (appliance) (oneview_poll_interval_seconds')),
    ).toBe(true);

    // Deliveries open.
    expect(stats.filter((p) => reads(p, 'processed_alerts_count')).map((p) => p.title)).toEqual(['Deliveries open']);
    // Oldest open page: its age from the oldest open delivery's start time.
    expect(
      stats.filter((p) => reads(p, 'oneview_oldest_open_alert_start_timestamp_seconds')).map((p) => p.title),
    ).toEqual(['Oldest open page']);

    // Sends queued: the SDK's activity schedule-to-start on the send queue, and only there.
    const sendQueue = status.filter((p) => reads(p, 'temporal_activity_schedule_to_start_latency_seconds_bucket'));
    expect(sendQueue.map((p) => p.type).sort()).toEqual(['stat', 'timeseries']);
    const queue = sendTaskQueueOf('oneview-pagerduty-bridge');
    for (const p of sendQueue) {
      for (const expr of exprsOf(p)) {
        expect(expr).toMatch(/^histogram_quantile\(0\.\d+, sum by \(le\) \(rate\(/);
        for (const s of selectorsOf(expr)) {
          const taskQueue = s.matchers.find((m) => m.label === 'task_queue');
          expect(taskQueue?.op).toBe('=~');
          const anchored = new RegExp(`^(?:${taskQueue?.value})$`);
          expect([anchored.test(queue), anchored.test('oneview-pagerduty-bridge')]).toEqual([true, false]);
        }
      }
    }
    expect(sendQueue.find((p) => p.type === 'timeseries')?.targets?.map((t) => t.expr)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^histogram_quantile\(0\.95, /)]),
    );

    // Last successful poll per appliance.
    const lastPoll = status.filter((p) =>
      exprsOf(p).some((e) =>
        e.startsWith('time() - max by (appliance) (oneview_last_successful_poll_timestamp_seconds{'),
      ),
    );
    expect(lastPoll.map((p) => p.type)).toEqual([expect.stringMatching(/^(table|bargauge)$/)]);

    // The stats show the current value.
    expect(stats.length).toBeGreaterThanOrEqual(4);
    expect(stats.flatMap((p) => p.targets ?? []).filter((t) => t.instant !== true)).toEqual([]);
  });

  test('the status panels count what they say (promtool on the queries)', () => {
    const status = rowOf(/^Status$/);
    const expr = (title: RegExp, refId: string) => {
      const found = status.find((p) => title.test(p.title))?.targets?.find((t) => t.refId === refId)?.expr;
      if (!found) throw new Error(`no status panel ${title} with a query ${refId}`);
      return fill(found);
    };
    const worker = { job: RELEASE.job, namespace: RELEASE.namespace };
    const sdk = { job: RELEASE.job, namespace: RELEASE.temporal_namespace };
    const at = (labels: Record<string, string>, appliance: string, instance = '10.0.0.5:9464') => ({
      ...labels,
      appliance,
      instance,
    });
    const bucket = (taskQueue: string, le: string, values: string, labels = sdk) =>
      series(
        'temporal_activity_schedule_to_start_latency_seconds_bucket',
        { ...labels, task_queue: taskQueue, le },
        values,
      );
    const sends = sendTaskQueueOf('oneview-pagerduty-bridge');
    // At 10 min: a is healthy (a session on one of two replicas, polled just now); b's last poll is 10 min old with a
    // 60 s interval; c was never reached (no session, no poll). Staging's d is healthy but another release's.
    const tests = `  - name: status row
    interval: 1m
    input_series:
${series('oneview_poll_interval_seconds', at(worker, 'a'), '60x20')}
${series('oneview_poll_interval_seconds', at(worker, 'b'), '60x20')}
${series('oneview_poll_interval_seconds', at(worker, 'c'), '60x20')}
${series('oneview_session_active', at(worker, 'a'), '1x20')}
${series('oneview_session_active', at(worker, 'a', '10.0.0.6:9464'), '0x20')}
${series('oneview_session_active', at(worker, 'b'), '1x20')}
${series('oneview_last_successful_poll_timestamp_seconds', at(worker, 'a'), '0+60x20')}
${series('oneview_last_successful_poll_timestamp_seconds', at(worker, 'b'), '0x20')}
${series('oneview_poll_interval_seconds', at({ ...worker, namespace: 'staging' }, 'd'), '60x20')}
${series('oneview_session_active', at({ ...worker, namespace: 'staging' }, 'd'), '1x20')}
${series('oneview_last_successful_poll_timestamp_seconds', at({ ...worker, namespace: 'staging' }, 'd'), '0+60x20')}
${series('processed_alerts_count', at(worker, 'a'), '2x20')}
${series('processed_alerts_count', at(worker, 'a', '10.0.0.6:9464'), '2x20')}
${series('processed_alerts_count', at(worker, 'b'), '1x20')}
${series('processed_alerts_count', at({ ...worker, namespace: 'staging' }, 'd'), '5x20')}
${series('oneview_oldest_open_alert_start_timestamp_seconds', at(worker, 'a'), '120x20')}
${series('oneview_oldest_open_alert_start_timestamp_seconds', at(worker, 'a', '10.0.0.6:9464'), '120x20')}
${series('oneview_oldest_open_alert_start_timestamp_seconds', at(worker, 'b'), '300x20')}
${series('oneview_oldest_open_alert_start_timestamp_seconds', at({ ...worker, namespace: 'staging' }, 'd'), '0x20')}
${bucket(sends, '0.5', '0x20')}
${bucket(sends, '1', '0+60x20')}
${bucket(sends, '+Inf', '0+60x20')}
${bucket('oneview-pagerduty-bridge', '0.5', '0x20')}
${bucket('oneview-pagerduty-bridge', '1', '0x20')}
${bucket('oneview-pagerduty-bridge', '+Inf', '0+600x20')}
${bucket(sends, '0.5', '0+6000x20', { job: 'other-app-worker', namespace: RELEASE.temporal_namespace })}
${bucket(sends, '1', '0+6000x20', { job: 'other-app-worker', namespace: RELEASE.temporal_namespace })}
${bucket(sends, '+Inf', '0+6000x20', { job: 'other-app-worker', namespace: RELEASE.temporal_namespace })}
    promql_expr_test:
      - expr: ${JSON.stringify(expr(/appliances healthy/i, 'A'))}
        eval_time: 10m
        exp_samples:
          - labels: '{}'
            value: 1
      - expr: ${JSON.stringify(expr(/appliances healthy/i, 'B'))}
        eval_time: 10m
        exp_samples:
          - labels: '{}'
            value: 2
      - expr: ${JSON.stringify(expr(/deliveries open/i, 'A'))}
        eval_time: 10m
        exp_samples:
          - labels: '{}'
            value: 3
      - expr: ${JSON.stringify(expr(/oldest open page/i, 'A'))}
        eval_time: 10m
        exp_samples:
          - labels: '{}'
            value: 480
      - expr: ${JSON.stringify(expr(/sends queued/i, 'A'))}
        eval_time: 10m
        exp_samples:
          - labels: '{}'
            value: 0.975
      - expr: ${JSON.stringify(expr(/last successful poll/i, 'C'))}
        eval_time: 10m
        exp_samples:
          - labels: '{appliance="a"}'
            value: 0
          - labels: '{appliance="b"}'
            value: 10
`;
    const dir = mkdtempSync(join(tmpdir(), 'bridge-dashboard-status-'));
    try {
      const { status: code, output } = promtoolExprTests(dir, 'status', tests);
      expect({ status: code, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('runtime panels show heap, event-loop lag, GC and RSS of both processes', () => {
    const runtime = rowOf(/runtime/i);
    const wanted = [
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds_sum',
      'process_resident_memory_bytes',
    ];
    const missing = wanted.filter(
      (metric) =>
        !runtime.some((p) =>
          exprsOf(p).some((e) =>
            selectorsOf(e).some((s) => s.metric === metric && s.matchers.map(show).includes(BOTH_JOBS)),
          ),
        ),
    );
    expect(missing).toEqual([]);
    expect(runtime.flatMap(exprsOf).filter((e) => e.includes('nodejs_gc_duration_seconds_sum'))).toEqual([
      expect.stringContaining('rate(nodejs_gc_duration_seconds_sum{'),
    ]);
  });

  test('the message bus has its panels', () => {
    for (const metric of ['oneview_scmb_connected', 'oneview_scmb_messages_total', 'oneview_scmb_reconnects_total'])
      expect(queryPanels.filter((p) => reads(p, metric)).length).toBeGreaterThan(0);
  });

  test('panels fit the 24-column grid without overlapping, rows span it, every panel sits under a row', () => {
    const bad = allPanels.filter(
      ({ gridPos: g }) =>
        [g.x, g.y, g.w, g.h].some((n) => !Number.isInteger(n)) ||
        g.x < 0 ||
        g.y < 0 ||
        g.w < 1 ||
        g.h < 1 ||
        g.x + g.w > 24,
    );
    expect(bad.map((p) => `${p.id} ${p.title}`)).toEqual([]);
    // Rows are open (a collapsed row keeps its panels inside it, positioned for when it opens).
    const rows = dashboard.panels.filter((p) => p.type === 'row');
    expect(
      rows.filter(
        (r) =>
          r.collapsed !== false ||
          (r.panels ?? []).length > 0 ||
          r.gridPos.w !== 24 ||
          r.gridPos.x !== 0 ||
          r.gridPos.h !== 1,
      ),
    ).toEqual([]);
    const overlaps: string[] = [];
    dashboard.panels.forEach((a, i) =>
      dashboard.panels.slice(i + 1).forEach((b) => {
        const [p, q] = [a.gridPos, b.gridPos];
        if (p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h)
          overlaps.push(`${a.id} ${a.title} / ${b.id} ${b.title}`);
      }),
    );
    expect(overlaps).toEqual([]);
    expect(ordered[0]?.type).toBe('row');
  });
});
