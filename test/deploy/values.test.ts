import { find, render, renderError } from './support/helm';

describe('values.schema.json', () => {
  it.each([
    ['a misspelt top-level key', { replicaCount: 3 }, "additional properties 'replicaCount' not allowed"],
    ['a misspelt nested key', { worker: { replica: 3 } }, "additional properties 'replica' not allowed"],
    [
      'a misspelt key three levels down',
      { metrics: { serviceMonitor: { intervall: '15s' } } },
      "additional properties 'intervall' not allowed",
    ],
    [
      'a misspelt selector field',
      { networkPolicy: { prometheus: { podSelector: { matchLabel: { app: 'p' } } } } },
      "'matchLabel' not allowed",
    ],
    [
      'an unknown appliance field',
      { appliances: [{ host: 'ov', username: 'u', passwordFile: '/etc/bridge/secrets/P', pollInterval: 5 }] },
      "'pollInterval' not allowed",
    ],
    ['a severity OneView does not have', { oneview: { severities: ['Critical', 'Major'] } }, 'severities/1'],
    ['a string where a number goes', { worker: { replicas: 'two' } }, 'got string, want integer'],
    ['a workflow cache of one, which the SDK refuses', { worker: { maxCachedWorkflows: 1 } }, 'maxCachedWorkflows'],
    [
      'an External Secrets API version ESO never served',
      { secrets: { externalSecret: { apiVersion: 'external-secrets.io/v2' } } },
      'apiVersion',
    ],
  ])('fails the render on %s', (_what, values, message) => {
    expect(renderError('default', values)).toContain(message);
  });
});

describe('render-time checks', () => {
  it.each([
    [
      'a termination grace not above the shutdown grace',
      { worker: { shutdownGraceSeconds: 60, terminationGracePeriodSeconds: 60 } },
      'must be longer than worker.shutdownGraceSeconds + 5',
    ],
    [
      'a termination grace that leaves the worker no time to exit after its own grace',
      { worker: { shutdownGraceSeconds: 30, terminationGracePeriodSeconds: 35 } },
      'must be longer than worker.shutdownGraceSeconds + 5 (35)',
    ],
    [
      'both an existing Secret and an ExternalSecret',
      { secrets: { existingSecret: 's', externalSecret: { enabled: true } } },
      'not both',
    ],
    [
      'both an Ingress and an HTTPProxy',
      { ingress: { enabled: true }, httpProxy: { enabled: true } },
      'enable either ingress or httpProxy',
    ],
    [
      'a web PDB that would block every drain',
      { web: { autoscaling: { minReplicas: 2 } } },
      'no node can ever be drained',
    ],
    [
      'appliances without addresses for the network policy',
      { oneview: { host: 'ov.example.com', username: 'u' } },
      'networkPolicy.oneView.cidrs is empty',
    ],
    [
      'a password file outside the Secret mount',
      {
        appliances: [{ host: 'ov', username: 'u', passwordFile: '/tmp/p' }],
        networkPolicy: { oneView: { cidrs: ['192.0.2.1/32'] } },
      },
      'not under secrets.mountPath',
    ],
    [
      'an appliance with no password',
      { appliances: [{ host: 'ov', username: 'u' }], networkPolicy: { oneView: { cidrs: ['192.0.2.1/32'] } } },
      'needs passwordFile or passwordEnv',
    ],
    [
      'an ExternalSecret that does not write a key the pods read',
      {
        secrets: { externalSecret: { enabled: true, data: [{ secretKey: 'WEBHOOK_TOKEN', remoteRef: { key: 'k' } }] } },
      },
      'no entry for the Secret key PAYLOAD_ENCRYPTION_KEY',
    ],
    [
      'the search-attribute Job on Temporal Cloud',
      { temporal: { apiKey: { enabled: true } }, searchAttributesJob: { enabled: true } },
      'Temporal Cloud',
    ],
    [
      'a network policy with no way to Temporal',
      { networkPolicy: { temporal: { namespaceSelector: null, podSelector: null } } },
      'networkPolicy.temporal needs selectors or cidrs',
    ],
  ])('fails the render on %s', (_what, values, message) => {
    expect(renderError('default', values)).toContain(message);
  });
});

describe('scaling and disruption budgets', () => {
  const objects = render();

  it('scales the web tier from 3 to 10 on 70 % CPU and 80 % memory', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', '-web');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect([hpa.spec?.minReplicas, hpa.spec?.maxReplicas]).toEqual([3, 10]);
    expect(hpa.spec?.metrics?.map((m) => [m.resource.name, m.resource.target])).toEqual([
      ['cpu', { type: 'Utilization', averageUtilization: 70 }],
      ['memory', { type: 'Utilization', averageUtilization: 80 }],
    ]);
  });

  it('keeps two web pods and all but one worker through voluntary disruptions', () => {
    expect(find(objects, 'PodDisruptionBudget', '-web').spec).toMatchObject({ minAvailable: 2 });
    expect(find(objects, 'PodDisruptionBudget', '-worker').spec).toMatchObject({ maxUnavailable: 1 });
  });

  it('runs two workers, spread over nodes and zones without ever blocking scheduling', () => {
    const worker = find(objects, 'Deployment', '-worker');
    expect(worker.spec?.replicas).toBe(2);
    const pod = worker.spec?.template?.spec as unknown as {
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: { podAffinityTerm: { topologyKey: string } }[];
        };
      };
      topologySpreadConstraints: { topologyKey: string; whenUnsatisfiable: string }[];
    };
    expect(
      pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]?.podAffinityTerm.topologyKey
    ).toBe('kubernetes.io/hostname');
    expect(pod.topologySpreadConstraints.map((t) => [t.topologyKey, t.whenUnsatisfiable])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway'],
      ['kubernetes.io/hostname', 'ScheduleAnyway'],
    ]);
  });

  it('leaves the web replicas to the HPA, and sets them when autoscaling is off', () => {
    expect(find(objects, 'Deployment', '-web').spec?.replicas).toBeUndefined();
    expect(find(render('many-appliances-mtls'), 'Deployment', '-web').spec?.replicas).toBe(3);
  });

  it('rolls the worker when the appliances change', () => {
    const checksum = (variant: string, values?: object) =>
      find(render(variant, values), 'Deployment', '-worker').spec?.template?.metadata.annotations?.['checksum/config'];
    expect(checksum('many-appliances-mtls')).not.toEqual(
      checksum('many-appliances-mtls', { oneview: { caCertificates: { 'ov-a-ca.pem': 'BEGIN CERTIFICATE changed' } } })
    );
  });
});
