import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sendTaskQueueOf } from '../../src/shared/send-queue';
import {
  CHART,
  type Container,
  type Labels,
  type Manifest,
  type PodSpec,
  ROOT,
  find,
  ofKind,
  podTemplates,
  readYamlFile,
  render,
  renderError,
} from './support/helm';

/**
 * The escape hatches of large installs (ci/openshift-keda-values.yaml turns every one on; the fixture
 * fixed-ids-keda-cloud-values.yaml adds fixed IDs and KEDA on Temporal Cloud): extra volumes, scheduling, labels and
 * annotations, extraObjects, security context overrides, OpenShift mode, and the KEDA ScaledObject.
 */

const VARIANT = 'openshift-keda';
const FIXTURE = readYamlFile('test/deploy/fixtures/fixed-ids-keda-cloud-values.yaml')[0] as object;
const COMMON = { 'example.com/cost-center': '4711', 'example.com/environment': 'production' };

interface Scheduled extends PodSpec {
  affinity?: {
    nodeAffinity?: unknown;
    podAntiAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: { topologyKey: string; labelSelector: { matchLabels: Labels } }[];
      preferredDuringSchedulingIgnoredDuringExecution?: unknown[];
    };
  };
  nodeSelector?: Labels;
  tolerations?: { key: string }[];
  topologySpreadConstraints?: { topologyKey: string }[];
}

interface Trigger {
  type: string;
  name: string;
  metadata: Record<string, unknown>;
  authenticationRef?: { name: string; kind: string };
}
interface ScaledObjectSpec {
  scaleTargetRef: { apiVersion: string; kind: string; name: string };
  minReplicaCount: number;
  maxReplicaCount: number;
  triggers: Trigger[];
}

const objects = render(VARIANT);
const fullname = find(objects, 'Deployment', '-worker').metadata.name.replace(/-worker$/, '');
const deployment = (o: Manifest[], component: string) => find(o, 'Deployment', `-${component}`);
const pod = (o: Manifest[], component: string) => deployment(o, component).spec?.template?.spec as Scheduled;
const container = (o: Manifest[], component: string) => pod(o, component).containers[0] as Container;
const podLabels = (o: Manifest[], component: string) => deployment(o, component).spec?.template?.metadata.labels ?? {};
const podAnnotations = (o: Manifest[], component: string) =>
  deployment(o, component).spec?.template?.metadata.annotations ?? {};
const scaledObject = (o: Manifest[]) => find(o, 'ScaledObject', '-worker').spec as unknown as ScaledObjectSpec;

/** Every label selector anywhere in an object (selector, podSelector, labelSelector, namespaceSelector), as found. */
function selectorsIn(node: unknown, path = ''): { path: string; selector: unknown }[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => selectorsIn(n, `${path}[${i}]`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(/^(selector|podSelector|labelSelector|namespaceSelector)$/.test(key) ? [{ path: `${path}.${key}`, selector: value }] : []),
    ...selectorsIn(value, `${path}.${key}`),
  ]);
}

describe('extra volumes and mounts', () => {
  it.each(['worker', 'web'])('add to the %s pod what its values list, beside the chart volumes', (component) => {
    const volumes = pod(objects, component).volumes ?? [];
    // Rendered through tpl: the volume names the ConfigMap extraObjects creates.
    expect(volumes.find((v) => v.name === 'trusted-ca')).toEqual({
      name: 'trusted-ca',
      configMap: { name: `${fullname}-trusted-ca`, items: [{ key: 'ca-bundle.crt', path: 'ca-bundle.crt' }] },
    });
    expect(ofKind(objects, 'ConfigMap').map((c) => c.metadata.name)).toContain(`${fullname}-trusted-ca`);
    expect(volumes.map((v) => v.name)).toEqual(expect.arrayContaining(['tmp', 'secrets', 'temporal-tls']));
    const mounts = container(objects, component).volumeMounts ?? [];
    expect(mounts).toContainEqual({ name: 'trusted-ca', mountPath: '/etc/pki/bridge', readOnly: true });
    expect(mounts.map((m) => m.mountPath)).toEqual(expect.arrayContaining(['/tmp', '/etc/bridge/secrets']));
  });

  it("stay in their component's pod", () => {
    const values = {
      worker: {
        extraVolumes: [{ name: 'scratch', emptyDir: {} }],
        extraVolumeMounts: [{ name: 'scratch', mountPath: '/var/tmp/bridge' }],
      },
    };
    const o = render('default', values);
    expect(pod(o, 'worker').volumes?.map((v) => v.name)).toContain('scratch');
    expect(pod(o, 'web').volumes?.map((v) => v.name)).not.toContain('scratch');
    expect(container(o, 'web').volumeMounts?.map((m) => m.mountPath)).not.toContain('/var/tmp/bridge');
  });

  it('may mount a volume of the chart a second time, elsewhere', () => {
    const o = render('default', { web: { extraVolumeMounts: [{ name: 'tmp', mountPath: '/var/cache/bridge' }] } });
    expect(container(o, 'web').volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/var/cache/bridge' });
  });
});

describe('scheduling overrides', () => {
  it('keep the default preferred anti-affinity by hostname when no affinity is given', () => {
    const o = render();
    for (const component of ['worker', 'web']) {
      const anti = pod(o, component).affinity?.podAntiAffinity;
      expect(anti?.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
      expect(anti?.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
      expect(pod(o, component).nodeSelector).toBeUndefined();
    }
  });

  it('replace the default anti-affinity: the top-level affinity on web, the worker its own (rendered through tpl)', () => {
    expect(pod(objects, 'web').affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] }],
        },
      },
    });
    const worker = pod(objects, 'worker').affinity;
    expect(worker?.nodeAffinity).toBeUndefined();
    expect(worker?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(worker?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        topologyKey: 'kubernetes.io/hostname',
        labelSelector: {
          matchLabels: {
            'app.kubernetes.io/name': 'hponeview-pagerduty-bridge',
            'app.kubernetes.io/instance': 'bridge',
            'app.kubernetes.io/component': 'worker',
          },
        },
      },
    ]);
    // The topology spread is not affinity: it stays.
    expect(pod(objects, 'worker').topologySpreadConstraints?.map((t) => t.topologyKey)).toEqual([
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
    ]);
  });

  it("replace the top-level nodeSelector and tolerations with the worker's own, and leave web on the top-level ones", () => {
    expect(pod(objects, 'worker').nodeSelector).toEqual({ 'example.com/oneview-egress': 'true' });
    expect(pod(objects, 'worker').tolerations?.map((t) => t.key)).toEqual(['example.com/oneview-egress']);
    expect(pod(objects, 'web').nodeSelector).toEqual({ 'node-role.kubernetes.io/worker': '' });
    expect(pod(objects, 'web').tolerations?.map((t) => t.key)).toEqual(['dedicated']);
  });

  it('give the search-attribute Job the top-level scheduling, without an anti-affinity of its own', () => {
    const job = find(objects, 'Job', '-search-attributes').spec?.template?.spec as Scheduled;
    expect(job.nodeSelector).toEqual({ 'node-role.kubernetes.io/worker': '' });
    expect(job.tolerations?.map((t) => t.key)).toEqual(['dedicated']);
    expect(job.affinity).toEqual(pod(objects, 'web').affinity);
    const plain = find(render('default', { searchAttributesJob: { enabled: true } }), 'Job', '-search-attributes');
    expect((plain.spec?.template?.spec as Scheduled).affinity).toBeUndefined();
  });
});

describe('pod labels and annotations', () => {
  it('merge the component’s own over the top-level ones, and never replace the chart’s', () => {
    expect(podLabels(objects, 'worker')).toMatchObject({ team: 'platform', 'example.com/tier': 'backend' });
    expect(podLabels(objects, 'web')).toMatchObject({ team: 'platform', 'example.com/tier': 'frontend' });
    expect(podAnnotations(objects, 'worker')).toEqual({
      'checksum/config': expect.stringMatching(/^[0-9a-f]{64}$/),
      'secret.reloader.stakater.com/reload': 'bridge-secrets',
      'example.com/scrape-tier': 'backend',
    });
    expect(podAnnotations(objects, 'web')).toEqual({ 'secret.reloader.stakater.com/reload': 'bridge-secrets' });
    const o = render('default', { podLabels: { tier: 'any' }, web: { podLabels: { tier: 'edge' } } });
    expect([podLabels(o, 'worker').tier, podLabels(o, 'web').tier]).toEqual(['any', 'edge']);
  });
});

describe('commonLabels', () => {
  it('are on every object the chart renders: extraObjects, KEDA objects, the Job, and every pod template', () => {
    expect(objects.length).toBeGreaterThan(15);
    for (const o of objects)
      expect({ object: `${o.kind}/${o.metadata.name}`, labels: o.metadata.labels }).toMatchObject({ labels: COMMON });
    for (const { owner, labels } of podTemplates(objects)) expect({ owner, labels }).toMatchObject({ labels: COMMON });
    expect(objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['ScaledObject', 'TriggerAuthentication', 'Job', 'ServiceMonitor', 'NetworkPolicy'])
    );
  });

  it('are in no selector, so changing them never changes one', () => {
    const selectors = objects.flatMap((o) =>
      selectorsIn(o).map((s) => ({ object: `${o.kind}/${o.metadata.name}`, ...s }))
    );
    expect(selectors.length).toBeGreaterThan(20);
    for (const s of selectors) expect(JSON.stringify(s.selector)).not.toMatch(/example\.com\/(cost-center|environment)/);
    const without = render(VARIANT, { commonLabels: null });
    expect(without.flatMap((o) => selectorsIn(o))).toEqual(objects.flatMap((o) => selectorsIn(o)));
    expect(deployment(without, 'worker').metadata.labels).not.toHaveProperty('example.com/cost-center');
  });
});

describe('extraObjects', () => {
  it('are rendered through tpl, from maps and from strings, with commonLabels added', () => {
    const configMap = find(objects, 'ConfigMap', '-trusted-ca');
    expect(configMap.metadata.name).toBe(`${fullname}-trusted-ca`);
    expect(configMap.metadata.labels).toMatchObject({
      'config.openshift.io/inject-trusted-cabundle': 'true',
      'app.kubernetes.io/instance': 'bridge',
      ...COMMON,
    });
    const proxy = find(objects, 'NetworkPolicy', '-worker-proxy');
    expect(proxy.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'worker', ...COMMON });
    expect(proxy.spec?.podSelector).toEqual(deployment(objects, 'worker').spec?.selector);
  });

  it("keep an object's own label over a common one of the same key", () => {
    const o = render('default', {
      commonLabels: { team: 'platform' },
      extraObjects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { team: 'storage' } } }],
    });
    expect(find(o, 'ConfigMap', 'x').metadata.labels).toEqual({ team: 'storage' });
    expect(deployment(o, 'web').metadata.labels?.team).toBe('platform');
  });
});

describe('OpenShift mode', () => {
  it('leaves the user and groups to the SCC in every pod and container, and keeps them restricted', () => {
    const templates = podTemplates(objects);
    expect(templates.map((t) => t.owner)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Job\//), expect.stringMatching(/-worker$/), expect.stringMatching(/-web$/)])
    );
    for (const { owner, pod: spec } of templates) {
      const sc = spec.securityContext ?? {};
      expect({ owner, runAsUser: sc.runAsUser, runAsGroup: sc.runAsGroup, fsGroup: sc.fsGroup }).toEqual({ owner });
      expect({ owner, ...sc }).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of spec.containers) {
        expect({ owner, runAsUser: c.securityContext?.runAsUser, runAsGroup: c.securityContext?.runAsGroup }).toEqual({
          owner,
        });
        expect(c.securityContext).toEqual({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
          seLinuxOptions: { level: 's0:c26,c5' },
        });
      }
    }
  });

  it("lets DNS through to OpenShift's DNS pods on 5353", () => {
    const dns = find(objects, 'NetworkPolicy', '-web').spec?.egress?.[0];
    expect(dns?.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } }, podSelector: {} }]);
    expect(dns?.ports).toEqual([
      { port: 5353, protocol: 'UDP' },
      { port: 5353, protocol: 'TCP' },
    ]);
  });
});

describe('security context overrides', () => {
  const fixed = render('default', FIXTURE);

  it('set other fixed IDs on the pod, and the containers follow, with the hardening kept', () => {
    expect(pod(fixed, 'worker').securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 20001,
      runAsGroup: 20001,
      fsGroup: 20001,
      supplementalGroups: [30001],
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container(fixed, 'worker').securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 20001,
      runAsGroup: 20001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/bridge.json' },
    });
  });

  it('replace a profile whole, so no localhostProfile outlives a switch back to RuntimeDefault', () => {
    const o = render('default', {
      podSecurityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/bridge.json' } },
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    });
    expect(pod(o, 'web').securityContext?.seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'profiles/bridge.json' });
    expect(container(o, 'web').securityContext?.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  it.each([
    ['a root-capable pod', { podSecurityContext: { runAsNonRoot: false } }, '/podSecurityContext/runAsNonRoot'],
    ['root itself', { podSecurityContext: { runAsUser: 0 } }, '/podSecurityContext/runAsUser'],
    ['privilege escalation', { securityContext: { allowPrivilegeEscalation: true } }, '/securityContext/allowPrivilegeEscalation'],
    ['a privileged container', { securityContext: { privileged: true } }, '/securityContext/privileged'],
    ['a writable root', { securityContext: { readOnlyRootFilesystem: false } }, '/securityContext/readOnlyRootFilesystem'],
    ['an added capability', { securityContext: { capabilities: { add: ['NET_ADMIN'] } } }, "'capabilities' not allowed"],
    ['no seccomp', { podSecurityContext: { seccompProfile: { type: 'Unconfined' } } }, '/podSecurityContext/seccompProfile/type'],
    ['sysctls', { podSecurityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] } }, "'sysctls' not allowed"],
  ])('refuse %s in the schema', (_what, values, message) => {
    expect(renderError('default', values)).toContain(message);
  });
});

describe('the KEDA ScaledObject', () => {
  it('is off by default: the worker Deployment keeps its replicas', () => {
    const o = render();
    expect(ofKind(o, 'ScaledObject')).toEqual([]);
    expect(ofKind(o, 'TriggerAuthentication')).toEqual([]);
    expect(deployment(o, 'worker').spec?.replicas).toBe(2);
  });

  it('scales the worker Deployment, which leaves replicas to it, and no other autoscaler targets the worker', () => {
    const spec = scaledObject(objects);
    expect(spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: `${fullname}-worker` });
    expect([spec.minReplicaCount, spec.maxReplicaCount]).toEqual([2, 8]);
    expect(deployment(objects, 'worker').spec?.replicas).toBeUndefined();
    expect(ofKind(objects, 'HorizontalPodAutoscaler').map((h) => h.spec?.scaleTargetRef?.name)).toEqual([`${fullname}-web`]);
  });

  it('has one temporal trigger per task queue the worker polls, with the connection the pods use', () => {
    const auth = { name: `${fullname}-worker-temporal`, kind: 'TriggerAuthentication' };
    const connection = {
      endpoint: 'temporal-frontend.temporal.svc.cluster.local:7233',
      namespace: 'hardware-alerts',
      tlsServerName: 'temporal-frontend.temporal.svc.cluster.local',
    };
    expect(scaledObject(objects).triggers).toEqual([
      {
        type: 'temporal',
        name: 'task-queue',
        metadata: { ...connection, taskQueue: 'oneview-pagerduty-bridge', queueTypes: 'workflow,activity', targetQueueSize: '25' },
        authenticationRef: auth,
      },
      {
        type: 'temporal',
        name: 'send-queue',
        metadata: { ...connection, taskQueue: sendTaskQueueOf('oneview-pagerduty-bridge'), queueTypes: 'activity', targetQueueSize: '200' },
        authenticationRef: auth,
      },
    ]);
    // KEDA's trigger metadata is a map of strings.
    for (const t of scaledObject(objects).triggers)
      for (const value of Object.values(t.metadata)) expect(typeof value).toBe('string');
  });

  it('follows temporal.taskQueue for both queues', () => {
    const o = render(VARIANT, { temporal: { taskQueue: 'hw-alerts' } });
    expect(scaledObject(o).triggers.map((t) => t.metadata.taskQueue)).toEqual(['hw-alerts', sendTaskQueueOf('hw-alerts')]);
  });

  it('hands the scaler the client certificate of the pods (mTLS)', () => {
    const auth = find(objects, 'TriggerAuthentication', '-worker-temporal');
    expect(auth.spec?.secretTargetRef).toEqual([
      { parameter: 'cert', name: 'bridge-temporal-client', key: 'tls.crt' },
      { parameter: 'key', name: 'bridge-temporal-client', key: 'tls.key' },
      { parameter: 'ca', name: 'bridge-temporal-client', key: 'ca.crt' },
    ]);
  });

  it('hands the scaler the API key on Temporal Cloud', () => {
    const cloud = render('default', FIXTURE);
    expect(find(cloud, 'TriggerAuthentication', '-worker-temporal').spec?.secretTargetRef).toEqual([
      { parameter: 'apiKey', name: 'bridge-secrets', key: 'TEMPORAL_API_KEY' },
    ]);
    expect(scaledObject(cloud).triggers[0]?.metadata).toEqual({
      endpoint: 'bridge-prod.a1b2c.tmprl.cloud:7233',
      namespace: 'bridge-prod.a1b2c',
      taskQueue: 'oneview-pagerduty-bridge',
      queueTypes: 'workflow,activity',
      targetQueueSize: '20',
    });
  });

  it('uses a TriggerAuthentication of your own when named, and none against a plaintext in-cluster frontend', () => {
    const own = render(VARIANT, { worker: { keda: { authenticationRef: { name: 'temporal-mtls', kind: 'ClusterTriggerAuthentication' } } } });
    expect(ofKind(own, 'TriggerAuthentication')).toEqual([]);
    expect(scaledObject(own).triggers.map((t) => t.authenticationRef)).toEqual(
      Array(2).fill({ name: 'temporal-mtls', kind: 'ClusterTriggerAuthentication' })
    );
    const plaintext = render('default', { worker: { keda: { enabled: true } } });
    expect(ofKind(plaintext, 'TriggerAuthentication')).toEqual([]);
    expect(scaledObject(plaintext).triggers.map((t) => t.authenticationRef)).toEqual([undefined, undefined]);
  });

  it('is documented in the chart README: every metadata key the chart sets, and the KEDA version it is checked against', () => {
    const readme = readFileSync(join(CHART, 'README.md'), 'utf8');
    for (const key of new Set(scaledObject(objects).triggers.flatMap((t) => Object.keys(t.metadata))))
      expect({ key, documented: readme.includes(`\`${key}\``) }).toEqual({ key, documented: true });
    expect(readme).toContain('-pagerduty-sends');
    const pinned = /github\.com\/kedacore\/keda\/v2@v(\d+\.\d+\.\d+)/.exec(
      readFileSync(join(ROOT, 'scripts/deploy-check.sh'), 'utf8')
    )?.[1];
    expect(pinned).toBeDefined();
    expect(readme).toContain(`v${pinned} CRDs`);
  });
});

describe('render-time checks of contradictory values', () => {
  const TLS = { enabled: true, existingSecret: 'bridge-temporal-client' };
  it.each([
    [
      'an Ingress without the web tier',
      { web: { enabled: false }, ingress: { enabled: true } },
      'ingress.enabled is true but web.enabled is false',
    ],
    [
      'an HTTPProxy without the web tier',
      { web: { enabled: false }, httpProxy: { enabled: true } },
      'httpProxy.enabled is true but web.enabled is false',
    ],
    [
      'source ranges with no Ingress or HTTPProxy to enforce them',
      { webhookAllowedSourceRanges: ['192.0.2.10/32'] },
      'webhookAllowedSourceRanges is set but neither ingress.enabled nor httpProxy.enabled',
    ],
    [
      'a worker budget that blocks every drain',
      { worker: { podDisruptionBudget: { maxUnavailable: 0 } } },
      'worker.podDisruptionBudget.maxUnavailable is 0',
    ],
    [
      'a common label the selectors rely on',
      { commonLabels: { 'app.kubernetes.io/instance': 'other' } },
      'commonLabels sets app.kubernetes.io/instance, a label the chart sets itself',
    ],
    [
      'a pod label the selectors rely on',
      { worker: { podLabels: { 'app.kubernetes.io/component': 'poller' } } },
      'worker.podLabels sets app.kubernetes.io/component',
    ],
    [
      'a common label the ServiceMonitors set too',
      { commonLabels: { release: 'a' }, metrics: { serviceMonitor: { enabled: true, labels: { release: 'b' } } } },
      'commonLabels and metrics.serviceMonitor.labels both set the label release',
    ],
    [
      'a common label the PrometheusRule sets too',
      { commonLabels: { release: 'a' }, metrics: { prometheusRule: { enabled: true, labels: { release: 'b' } } } },
      'commonLabels and metrics.prometheusRule.labels both set the label release',
    ],
    [
      "the Grafana sidecar's label among the common ones",
      { commonLabels: { grafana_dashboard: '0' }, metrics: { grafanaDashboard: { enabled: true } } },
      'commonLabels sets grafana_dashboard',
    ],
    [
      'OpenShift mode with a fixed user',
      { openshift: { enabled: true }, podSecurityContext: { runAsUser: 1000 } },
      'openshift.enabled leaves the user and groups to the restricted SCC, but podSecurityContext.runAsUser is set',
    ],
    [
      'OpenShift mode with a fixed fsGroup',
      { openshift: { enabled: true }, podSecurityContext: { fsGroup: 1000 } },
      'but podSecurityContext.fsGroup is set',
    ],
    [
      'OpenShift mode with a fixed container group',
      { openshift: { enabled: true }, securityContext: { runAsGroup: 1000 } },
      'but securityContext.runAsGroup is set',
    ],
    [
      "OpenShift mode with the DNS egress of other clusters",
      { openshift: { enabled: true } },
      'openshift.enabled with networkPolicy.dns.ports not listing 5353',
    ],
    [
      'an extra volume named like the chart’s',
      { worker: { extraVolumes: [{ name: 'secrets', emptyDir: {} }] } },
      'worker.extraVolumes[0].name "secrets" is a volume name the chart uses',
    ],
    [
      'an extra volume named twice',
      { web: { extraVolumes: [{ name: 'a', emptyDir: {} }, { name: 'a', emptyDir: {} }] } },
      'web.extraVolumes[1].name "a" is used twice',
    ],
    [
      'a mount of a volume the pod does not have',
      { web: { extraVolumeMounts: [{ name: 'appliances', mountPath: '/etc/appliances' }] } },
      'web.extraVolumeMounts[0] mounts the volume "appliances", which the web pod does not have',
    ],
    [
      "a mount on the chart's secrets path",
      {
        worker: {
          extraVolumes: [{ name: 'more', emptyDir: {} }],
          extraVolumeMounts: [{ name: 'more', mountPath: '/etc/bridge/secrets/' }],
        },
      },
      'worker.extraVolumeMounts[0].mountPath /etc/bridge/secrets/ is where the chart mounts its secrets volume',
    ],
    [
      'KEDA bounds the wrong way round',
      { worker: { keda: { enabled: true, minReplicaCount: 5, maxReplicaCount: 3 } } },
      'worker.keda.minReplicaCount (5) must not exceed worker.keda.maxReplicaCount (3)',
    ],
    [
      'KEDA against a TLS frontend with nothing that turns TLS on in the scaler',
      { worker: { keda: { enabled: true } }, temporal: { tls: { enabled: true } } },
      'worker.keda with temporal.tls.enabled but neither a client certificate nor an API key',
    ],
    [
      'KEDA with a private CA but no client certificate',
      {
        worker: { keda: { enabled: true } },
        temporal: { apiKey: { enabled: true }, tls: { ...TLS, certKey: '', keyKey: '' } },
      },
      'worker.keda with temporal.tls.caKey but no client certificate',
    ],
    ['KEDA scaling the worker to zero', { worker: { keda: { enabled: true, minReplicaCount: 0 } } }, '/worker/keda/minReplicaCount'],
    [
      'an extra object of two documents',
      { extraObjects: ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n'] },
      'extraObjects[0] renders more than one document',
    ],
    [
      'an extra object that is no Kubernetes object',
      { extraObjects: ['name: {{ .Release.Name }}'] },
      'extraObjects[0] is not a Kubernetes object',
    ],
  ])('fail the render on %s', (_what, values, message) => {
    expect(renderError('default', values)).toContain(message);
  });

  it('let the same values through once the contradiction is resolved', () => {
    expect(() => render('default', { web: { enabled: false } })).not.toThrow();
    expect(() =>
      render('default', { openshift: { enabled: true }, networkPolicy: { dns: { ports: [5353] } } })
    ).not.toThrow();
    expect(() =>
      render('default', {
        worker: { keda: { enabled: true, authenticationRef: { name: 'temporal-auth' } } },
        temporal: { tls: { enabled: true } },
      })
    ).not.toThrow();
  });
});
