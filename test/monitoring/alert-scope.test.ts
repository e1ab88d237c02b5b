import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JOB_MATCHERS, type ReleaseScope, alertExprs, scopeExpr, selectors } from './rule-scope';
import { runPromtool } from '../support/promtool';

/**
 * What the alert rules and their runbook say about the code, checked against the code: the job every selector is
 * scoped to (and the chart's scoped form of the rules, run through promtool), the `reason` values the rules and
 * their tests use, the error codes the runbook names, and what it says GET /health answers.
 */

const ROOT = resolve(__dirname, '../..');
const RULES = join(ROOT, 'deploy/helm/hponeview-pagerduty-bridge/files/bridge-alerts.rules.yaml');
const RULE_TESTS = join(ROOT, 'deploy/monitoring/rules-tests.yaml');
const RUNBOOK = join(ROOT, 'deploy/monitoring/README.md');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const rulesText = readFileSync(RULES, 'utf8');
const alerts = alertExprs(rulesText);

/** The stable error codes of src/activities/errors.ts (the `reason` of the failure counters). */
const ERROR_CODES = new Set(
  [
    ...(/export const ErrorCode = \{([^}]*)\}/.exec(read('src/activities/errors.ts'))?.[1] ?? '').matchAll(
      /'([A-Z_]+)'/g,
    ),
  ].map((m) => m[1] as string),
);

/** Every `reason` value the code puts on each counter the rules read. */
const REASONS: Record<string, Set<string>> = {
  oneview_poll_failures_total: new Set([...ERROR_CODES].filter((c) => c.startsWith('ONEVIEW_'))),
  pagerduty_send_errors_total: new Set([...ERROR_CODES].filter((c) => c.startsWith('PAGERDUTY_'))),
  pagerduty_alerts_failed_total: new Set(
    [...read('src/activities/send-pagerduty-event.ts').matchAll(/alertsFailed\.inc\(\{[^}]*reason: '(\w+)'/g)].map(
      (m) => m[1] as string,
    ),
  ),
};

/** The values a `=~` matcher of the simple form PREFIX(A|B|C)SUFFIX (or a plain value) matches. */
function alternatives(pattern: string): string[] {
  const group = /^([^()|]*)\(([^()]*)\)([^()|]*)$/.exec(pattern);
  if (group) return (group[2] as string).split('|').map((alt) => `${group[1]}${alt}${group[3]}`);
  if (/^[\w]+$/.test(pattern)) return [pattern];
  throw new Error(`reason pattern ${pattern} is not of the form PREFIX(A|B)SUFFIX: spell the values out`);
}

/** The process whose scrape job serves a metric. */
function processOf(metric: string): 'worker' | 'web' | 'either' {
  if (metric === 'up') return 'either';
  return /^(web_|webhook_)/.test(metric) ? 'web' : 'worker';
}

/** A rule file without its annotations, so that a promtool test can expect alerts by their labels alone. */
function withoutAnnotations(text: string): string {
  const kept: string[] = [];
  let skipBelow: number | undefined;
  for (const line of text.split('\n')) {
    const indent = line.search(/\S/);
    if (skipBelow !== undefined && (indent < 0 || indent > skipBelow)) continue;
    skipBelow = /^\s*annotations:\s*$/.test(line) ? indent : undefined;
    if (skipBelow === undefined) kept.push(line);
  }
  return kept.join('\n');
}

describe('alert rule selectors', () => {
  test('every selector starts with the job matcher of the process that exports the metric', () => {
    const wrong = alerts.flatMap(({ alert, expr }) =>
      selectors(expr).flatMap(({ metric, matchers }) => {
        const first = matchers[0];
        const job = first && first.label === 'job' ? `${first.label}${first.op}"${first.value}"` : '(none)';
        const process = processOf(metric);
        const allowed = process === 'either' ? Object.values(JOB_MATCHERS) : [JOB_MATCHERS[process]];
        return (allowed as string[]).includes(job) ? [] : [`${alert}: ${metric} starts with ${job}`];
      }),
    );
    expect(alerts.length).toBeGreaterThanOrEqual(15);
    expect(wrong).toEqual([]);
  });

  test('every reason a rule matches is one the code puts on that counter', () => {
    const wrong: string[] = [];
    for (const { alert, expr } of alerts) {
      for (const { metric, matchers } of selectors(expr)) {
        for (const m of matchers.filter((x) => x.label === 'reason')) {
          const known = REASONS[metric];
          if (!known) {
            wrong.push(`${alert}: ${metric} has no known reasons`);
            continue;
          }
          const values = m.op === '=~' ? alternatives(m.value) : [m.value];
          wrong.push(...values.filter((v) => !known.has(v)).map((v) => `${alert}: ${metric} reason ${v}`));
        }
      }
    }
    expect(REASONS.oneview_poll_failures_total?.size).toBeGreaterThanOrEqual(7);
    expect(REASONS.pagerduty_alerts_failed_total).toEqual(new Set(['invalid_event', 'rejected']));
    expect(wrong).toEqual([]);
  });

  test('the unit tests feed only reasons the code emits', () => {
    const wrong = [...readFileSync(RULE_TESTS, 'utf8').matchAll(/series: '(\w+)\{([^}]*)\}'/g)].flatMap((m) => {
      const metric = m[1] as string;
      const reason = /reason="([^"]*)"/.exec(m[2] as string)?.[1];
      const known = REASONS[metric];
      return reason && known && !known.has(reason) ? [`${metric} reason ${reason}`] : [];
    });
    expect(wrong).toEqual([]);
  });
});

describe('the chart form of the rules (templates/prometheusrule.yaml, mirrored by scopeExpr)', () => {
  const scope: ReleaseScope = {
    workerJob: 'bridge-hponeview-pagerduty-bridge-worker',
    webJob: 'bridge-hponeview-pagerduty-bridge-web',
    namespace: 'bridge',
    temporalNamespace: 'default',
  };
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bridge-scoped-rules-'));
    writeFileSync(join(dir, 'scoped.rules.yaml'), scopeExpr(rulesText, scope));
    writeFileSync(join(dir, 'scoped-labels.rules.yaml'), withoutAnnotations(scopeExpr(rulesText, scope)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('leaves no job pattern and passes promtool check rules', () => {
    const scoped = readFileSync(join(dir, 'scoped.rules.yaml'), 'utf8');
    expect(alertExprs(scoped).filter((a) => /bridge\.\*/.test(a.expr))).toEqual([]);
    const { status, output } = runPromtool(['check', 'rules', join(dir, 'scoped.rules.yaml')]);
    expect({ status, output }).toEqual({
      status: 0,
      output: expect.stringContaining(`SUCCESS: ${alerts.length} rules`),
    });
  });

  test("fires on the release's own series and never on the same names from another namespace or job", () => {
    const worker = `job="${scope.workerJob}",namespace="bridge"`;
    const web = `job="${scope.webJob}",namespace="bridge"`;
    // A second release of the chart in namespace "staging" scrapes under the very same job names.
    const otherWeb = `job="${scope.webJob}",namespace="staging"`;
    const otherWorker = `job="${scope.workerJob}",namespace="staging"`;
    const bucket = (labels: string, le: string, values: string) =>
      `      - series: 'temporal_workflow_task_schedule_to_start_latency_seconds_bucket{le="${le}",${labels},task_queue="oneview-pagerduty-bridge"}'\n        values: '${values}'`;
    const tests = `rule_files:
  - scoped-labels.rules.yaml
evaluation_interval: 1m
tests:
  - name: the release's web process answering 5xx fires; the same job in another namespace does not
    interval: 1m
    input_series:
      - series: 'web_requests_total{${web},route="POST /oneview-webhook",status="500"}'
        values: '0+10x30'
      - series: 'web_requests_total{${otherWeb},route="GET /ready",status="500"}'
        values: '0+10x30'
    alert_rule_test:
      - eval_time: 20m
        alertname: BridgeWebServerErrors
        exp_alerts:
          - exp_labels: {severity: warning, service: hponeview-pagerduty-bridge, route: "POST /oneview-webhook"}
  # The release's worker is backlogged; another Temporal worker on a queue of the same name is fast and busy, and
  # would pull the p95 under 10 s if it were counted.
  - name: the SDK's series carry the Temporal namespace and are matched on it, and on the release's job
    interval: 1m
    input_series:
${bucket(`job="${scope.workerJob}",namespace="default"`, '10', '0x30')}
${bucket(`job="${scope.workerJob}",namespace="default"`, '100', '0+10x30')}
${bucket(`job="${scope.workerJob}",namespace="default"`, '+Inf', '0+10x30')}
${bucket(`job="other-worker",namespace="default"`, '10', '0+1000x30')}
${bucket(`job="other-worker",namespace="default"`, '100', '0+1000x30')}
${bucket(`job="other-worker",namespace="default"`, '+Inf', '0+1000x30')}
    alert_rule_test:
      - eval_time: 20m
        alertname: BridgeWorkflowTasksBacklogged
        exp_alerts:
          - exp_labels: {severity: warning, service: hponeview-pagerduty-bridge, namespace: default, task_queue: oneview-pagerduty-bridge}
  - name: a worker of another namespace does not keep BridgeWorkerDown quiet, nor make OneViewSessionInvalid fire
    interval: 1m
    input_series:
      - series: 'up{${otherWorker},instance="10.0.9.5:9464"}'
        values: '1x30'
      - series: 'oneview_session_active{${otherWorker},appliance="synergy-a",instance="10.0.9.5:9464"}'
        values: '0x30'
      - series: 'oneview_session_active{${worker},appliance="synergy-a",instance="10.0.0.5:9464"}'
        values: '1x30'
    alert_rule_test:
      - eval_time: 20m
        alertname: BridgeWorkerDown
        exp_alerts:
          - exp_labels: {severity: critical, service: hponeview-pagerduty-bridge}
      - eval_time: 20m
        alertname: OneViewSessionInvalid
        exp_alerts: []
`;
    writeFileSync(join(dir, 'scoped-tests.yaml'), tests);
    const { status, output } = runPromtool(['test', 'rules', join(dir, 'scoped-tests.yaml')]);
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});

describe('the runbook', () => {
  const runbook = readFileSync(RUNBOOK, 'utf8');
  const prose = runbook.replace(/```[\s\S]*?```/g, '');

  test('names only error codes and settings that exist in src/', () => {
    const literals = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith('.ts'))
          for (const m of read(path).matchAll(/['"`]([A-Z][A-Z0-9_]+)['"`]/g)) literals.add(m[1] as string);
      }
    };
    walk('src');
    const named = new Set(
      [...`${runbook}\n${rulesText}`.matchAll(/\b((?:ONEVIEW|PAGERDUTY)_[A-Z0-9_]*[A-Z0-9])\b/g)].map(
        (m) => m[1] as string,
      ),
    );
    expect([...named].filter((n) => !literals.has(n))).toEqual([]);
    expect(named.has('ONEVIEW_HTTP')).toBe(true);
  });

  test('says what GET /health answers, and pins no poller-status field on it', () => {
    const source = read('src/web/health-routes.ts');
    const pollerHealth = [...(/interface PollerHealth \{([^}]*)\}/.exec(source)?.[1] ?? '').matchAll(/(\w+):/g)].map(
      (m) => m[1] as string,
    );
    const summary = [...(/const summary = \{([^}]*)\}/.exec(source)?.[1] ?? '').matchAll(/(\w+):/g)].map(
      (m) => m[1] as string,
    );
    const healthKeys = new Set([...summary, 'poller_status', ...pollerHealth]);
    expect(pollerHealth).toEqual(['healthy', 'oneview_session_valid', 'last_poll', 'last_error']);
    expect(source).toContain("caller?.kind === 'operator' ? { ...summary, poller_status: byId } : summary");
    expect([...healthKeys].filter((k) => !prose.includes(`\`${k}\``))).toEqual([]);

    const statusFields = [
      ...(/export interface PollerStatus \{([\s\S]*?)\n\}/.exec(read('src/shared/types.ts'))?.[1] ?? '').matchAll(
        /^\s+(\w+)\??:/gm,
      ),
    ]
      .map((m) => m[1] as string)
      .filter((k) => !healthKeys.has(k));
    expect(statusFields).toEqual(expect.arrayContaining(['lastErrorType', 'consecutiveFailures', 'nextPollAt']));
    // Sentences (and list items, table cells up to a ';') that mention /health must not credit it with those fields.
    const sentences = prose
      .replace(/\n(?!\n|- |\|)/g, ' ')
      .split(/(?<=\.)\s+|;\s+|\n/)
      .filter((s) => /\/health\b(?!z)/.test(s));
    expect(sentences.length).toBeGreaterThan(3);
    const wrong = sentences.filter((s) => statusFields.some((f) => s.includes(`\`${f}\``)));
    expect(wrong).toEqual([]);
  });

  test('gives each operator endpoint the method and the token its route takes', () => {
    const routes = new Map<string, { method: string; auth: string }>();
    for (const file of readdirSync(join(ROOT, 'src/web')).filter((f) => f.endsWith('.ts'))) {
      for (const m of read(`src/web/${file}`).matchAll(/method: '(\w+)',\s*path: '([^']+)',\s*auth: '([\w-]+)'/g))
        routes.set(m[2] as string, { method: m[1] as string, auth: m[3] as string });
    }
    expect(routes.get('/force-poll')).toEqual({ method: 'POST', auth: 'operator' });
    expect(routes.get('/test-connection')).toEqual({ method: 'POST', auth: 'operator' });
    expect(routes.get('/health')).toEqual({ method: 'GET', auth: 'operator-optional' });
    const worker = new Set([...read('src/worker/http-server.ts').matchAll(/path === '([^']+)'/g)].map((m) => m[1]));
    expect(worker).toEqual(new Set(['/metrics', '/healthz']));
    const wrong = [...prose.matchAll(/\b(GET|POST) (\/[\w/-]*)/g)]
      .filter((m) => !(m[2] as string).startsWith('/-/')) // Prometheus's own /-/reload
      .filter((m) => routes.get(m[2] as string)?.method !== m[1] && !(m[1] === 'GET' && worker.has(m[2] as string)))
      .map((m) => m[0]);
    expect(wrong).toEqual([]);
    // The operator token (OPERATOR_TOKEN) is what the runbook hands to both operator endpoints.
    for (const endpoint of ['test-connection', 'force-poll'])
      expect(runbook).toContain(
        `curl -X POST -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/${endpoint}?appliance=ID'`,
      );
    expect(runbook).toContain("jsonpath='{.data.OPERATOR_TOKEN}'");
  });
});
