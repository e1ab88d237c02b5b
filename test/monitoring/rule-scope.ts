/**
 * How the Helm chart's PrometheusRule scopes the alert rules of files/bridge-alerts.rules.yaml to one release: the
 * same replacements as templates/prometheusrule.yaml, so that promtool can test the scoped rules here and
 * test/deploy can compare the rendered chart with them.
 */

/** The job matcher every selector of the rule file starts with, by process. */
export const JOB_MATCHERS = {
  worker: 'job=~".*bridge.*worker.*"',
  web: 'job=~".*bridge.*web.*"',
} as const;

/** The release a PrometheusRule is rendered for. */
export interface ReleaseScope {
  /** The worker's scrape job: the worker Service's name, `<fullname>-worker`. */
  workerJob: string;
  /** The web process's scrape job, `<fullname>-web`. */
  webJob: string;
  /** The release's Kubernetes namespace: the `namespace` label of the bridge's own series. */
  namespace: string;
  /** `temporal.namespace`: the `namespace` label the Temporal SDK puts on its `temporal_*` series. */
  temporalNamespace: string;
}

const matchers = (job: string, namespace: string) =>
  `job=${JSON.stringify(job)}, namespace=${JSON.stringify(namespace)}`;

/** An alert expression as the chart renders it for a release. */
export function scopeExpr(expr: string, scope: ReleaseScope): string {
  return expr
    .replace(
      /(temporal_[a-zA-Z0-9_:]*)\{job=~"\.\*bridge\.\*worker\.\*"/g,
      (_all, name: string) => `${name}{${matchers(scope.workerJob, scope.temporalNamespace)}`,
    )
    .split(JOB_MATCHERS.worker)
    .join(matchers(scope.workerJob, scope.namespace))
    .split(JOB_MATCHERS.web)
    .join(matchers(scope.webJob, scope.namespace));
}

/** A rule group of a Prometheus rule file (only what the scoping touches is typed). */
export interface RuleGroup {
  name: string;
  rules: Array<{ alert?: string; record?: string; expr: string } & Record<string, unknown>>;
}

/** The groups of a rule file with every expression scoped to a release; nothing else changes. */
export function scopeGroups(groups: RuleGroup[], scope: ReleaseScope): RuleGroup[] {
  return groups.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, expr: scopeExpr(r.expr, scope) })) }));
}

/** One vector selector of an expression: the metric name and its label matchers, in order. */
export interface Selector {
  metric: string;
  matchers: Array<{ label: string; op: string; value: string }>;
}

/** Words of PromQL that look like metric names but are not (functions are told apart by their parenthesis). */
export const PROMQL_KEYWORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'atan2',
  'inf',
  'nan',
]);

/**
 * The vector selectors of an expression, in order. Grouping label lists, functions, keywords and durations are
 * left out; label values inside a selector's braces are read as matchers, never as names.
 */
export function selectors(expr: string): Selector[] {
  const withoutGrouping = expr.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, '$1 ');
  const found: Selector[] = [];
  for (const m of withoutGrouping.matchAll(/(?<![\w:$.])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?(?!\s*\(|[\w:])/g)) {
    const metric = m[1] as string;
    if (PROMQL_KEYWORDS.has(metric.toLowerCase())) continue;
    const body = m[2] ?? '';
    const parsed = [...body.matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => ({
      label: x[1] as string,
      op: x[2] as string,
      value: x[3] as string,
    }));
    found.push({ metric, matchers: parsed });
  }
  return found;
}

/**
 * The alerting rules of a rule file's text with their expressions, inline or block scalars (`expr: |`); no YAML
 * library in the project's npm dependencies, and the rule file keeps one `- alert:` per rule.
 */
export function alertExprs(text: string): Array<{ alert: string; expr: string }> {
  const lines = text.split('\n');
  const found: Array<{ alert: string; expr: string }> = [];
  let alert: string | undefined;
  lines.forEach((line, i) => {
    const start = /^\s*-\s+alert:\s*(\S+)/.exec(line);
    if (start) alert = start[1];
    const expr = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!expr || !alert) return;
    const indent = (expr[1] as string).length;
    const inline = expr[2] as string;
    if (!/^[|>][-+]?\s*$/.test(inline)) {
      found.push({ alert, expr: inline.replace(/^(['"])(.*)\1$/, '$2') });
      return;
    }
    const body: string[] = [];
    for (const l of lines.slice(i + 1)) {
      if (l.trim() !== '' && l.search(/\S/) <= indent) break;
      body.push(l.trim());
    }
    found.push({ alert, expr: body.join('\n').trim() });
  });
  return found;
}
