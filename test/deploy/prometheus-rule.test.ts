import { type ReleaseScope, type RuleGroup, scopeGroups, selectors } from '../monitoring/rule-scope';
import { NAMESPACE, type Manifest, find, ofKind, readYamlFile, render, selects } from './support/helm';

/**
 * The PrometheusRule: the groups of files/bridge-alerts.rules.yaml with every selector scoped to the release, to the
 * jobs its own ServiceMonitors give and to its namespace (the Temporal namespace on the SDK's series).
 */

const RULE_FILE = 'deploy/helm/hponeview-pagerduty-bridge/files/bridge-alerts.rules.yaml';
const fileGroups = () => (readYamlFile(RULE_FILE)[0] as { groups: RuleGroup[] }).groups;
const rulesOn = { metrics: { serviceMonitor: { enabled: true }, prometheusRule: { enabled: true } } };

/** The scrape job of a component: the name of the Service its ServiceMonitor selects (a ServiceMonitor's job). */
function scrapeJob(objects: Manifest[], component: 'worker' | 'web'): string {
  const monitor = find(objects, 'ServiceMonitor', `-${component}`);
  const services = ofKind(objects, 'Service').filter((s) => selects(monitor.spec?.selector, s.metadata.labels ?? {}));
  expect(services.map((s) => s.metadata.name)).toHaveLength(1);
  const service = services[0] as Manifest;
  // And that Service is the one in front of the component's pods.
  const pods = find(objects, 'Deployment', `-${component}`).spec?.template?.metadata.labels ?? {};
  expect(selects(service.spec?.selector, pods)).toBe(true);
  return service.metadata.name;
}

/** The release as the rendered objects describe it. */
function releaseScope(objects: Manifest[]): ReleaseScope {
  const worker = find(objects, 'Deployment', '-worker').spec?.template?.spec.containers[0];
  const temporalNamespace = worker?.env?.find((e) => e.name === 'TEMPORAL_NAMESPACE')?.value;
  if (!temporalNamespace) throw new Error('the worker has no TEMPORAL_NAMESPACE');
  return {
    workerJob: scrapeJob(objects, 'worker'),
    webJob: scrapeJob(objects, 'web'),
    namespace: NAMESPACE,
    temporalNamespace,
  };
}

describe.each<[string, string, object | undefined]>([
  ['the everything values', 'everything', undefined],
  ['the defaults with the rules on', 'default', rulesOn],
  [
    'a fullnameOverride and another Temporal namespace',
    'default',
    { ...rulesOn, fullnameOverride: 'oneview-bridge', temporal: { namespace: 'ops-prod' } },
  ],
])('the PrometheusRule of %s', (_what, variant, values) => {
  const objects = render(variant, values);
  const rule = find(objects, 'PrometheusRule', '');
  const groups = rule.spec?.groups as RuleGroup[];
  const scope = releaseScope(objects);

  it('is the rule file with only the job matchers of its selectors replaced', () => {
    expect(groups).toEqual(scopeGroups(fileGroups(), scope));
  });

  it("matches every selector on the release's job and namespace, the SDK's on the Temporal namespace", () => {
    const wrong = groups.flatMap((g) =>
      g.rules.flatMap((r) =>
        selectors(r.expr).flatMap(({ metric, matchers }) => {
          const [job, namespace] = matchers;
          const expected = {
            job: metric.startsWith('web_') ? scope.webJob : scope.workerJob,
            namespace: metric.startsWith('temporal_') ? scope.temporalNamespace : scope.namespace,
          };
          const jobs = metric === 'up' ? [scope.workerJob, scope.webJob] : [expected.job];
          const ok =
            job?.label === 'job' &&
            job.op === '=' &&
            jobs.includes(job.value) &&
            namespace?.label === 'namespace' &&
            namespace.op === '=' &&
            namespace.value === expected.namespace;
          return ok ? [] : [`${r.alert}: ${metric}{${matchers.map((m) => `${m.label}${m.op}"${m.value}"`).join(', ')}}`];
        }),
      ),
    );
    expect(wrong).toEqual([]);
  });
});

describe('the PrometheusRule', () => {
  it('names the jobs of the release it belongs to, whatever the name', () => {
    const scope = releaseScope(render('default', { ...rulesOn, fullnameOverride: 'oneview-bridge' }));
    expect(scope).toMatchObject({ workerJob: 'oneview-bridge-worker', webJob: 'oneview-bridge-web' });
  });

  it('is not rendered while metrics.prometheusRule is off', () => {
    expect(ofKind(render('default'), 'PrometheusRule')).toEqual([]);
  });
});
