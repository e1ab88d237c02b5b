import { type Manifest, RELEASE, VARIANTS, find, ofKind, podTemplates, render, selects } from './support/helm';

const STANDARD_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
  'helm.sh/chart',
];

const deploymentsSelectedBy = (objects: Manifest[], selector: Parameters<typeof selects>[0]) =>
  ofKind(objects, 'Deployment').filter((d) => selects(selector, d.spec?.template?.metadata.labels ?? {}));

describe.each(VARIANTS)('objects of the %s values', (variant) => {
  const objects = render(variant);

  it('all carry the standard labels, and pods carry their component', () => {
    for (const o of objects) {
      for (const label of STANDARD_LABELS)
        expect({ object: `${o.kind}/${o.metadata.name}`, label, set: !!o.metadata.labels?.[label] }).toMatchObject({
          set: true,
        });
      expect(o.metadata.labels?.['app.kubernetes.io/instance']).toBe(RELEASE);
    }
    for (const { owner, labels } of podTemplates(objects)) {
      expect({ owner, component: labels['app.kubernetes.io/component'] }).toEqual({
        owner,
        component: expect.stringMatching(/^(worker|web|setup)$/),
      });
    }
  });

  it('select their own pods: every Deployment selector matches its template, on name, instance and component', () => {
    for (const d of ofKind(objects, 'Deployment')) {
      expect(Object.keys(d.spec?.selector?.matchLabels ?? {}).sort()).toEqual([
        'app.kubernetes.io/component',
        'app.kubernetes.io/instance',
        'app.kubernetes.io/name',
      ]);
      expect(selects(d.spec?.selector, d.spec?.template?.metadata.labels ?? {})).toBe(true);
    }
  });

  it('have every Service select exactly one Deployment whose pods declare the target ports', () => {
    for (const svc of ofKind(objects, 'Service')) {
      const [target, ...others] = deploymentsSelectedBy(objects, svc.spec?.selector);
      expect({ service: svc.metadata.name, matches: others.length + (target ? 1 : 0) }).toEqual({
        service: svc.metadata.name,
        matches: 1,
      });
      const ports = target?.spec?.template?.spec.containers.flatMap((c) => c.ports ?? []).map((p) => p.name);
      for (const p of svc.spec?.ports ?? []) expect(ports).toContain(p.targetPort);
    }
  });

  it('have every HPA and PodDisruptionBudget target an existing Deployment', () => {
    for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
      const ref = hpa.spec?.scaleTargetRef;
      expect(ofKind(objects, ref?.kind ?? '').map((d) => d.metadata.name)).toContain(ref?.name);
      expect(find(objects, 'Deployment', ref?.name ?? '?').spec?.replicas).toBeUndefined();
    }
    for (const pdb of ofKind(objects, 'PodDisruptionBudget')) {
      expect({ pdb: pdb.metadata.name, matches: deploymentsSelectedBy(objects, pdb.spec?.selector).length }).toEqual({
        pdb: pdb.metadata.name,
        matches: 1,
      });
    }
  });

  it('route the Ingress, the HTTPProxy and the ServiceMonitors to existing Services and ports', () => {
    const services = ofKind(objects, 'Service');
    const service = (name: string) => services.find((s) => s.metadata.name === name);
    for (const ing of ofKind(objects, 'Ingress')) {
      for (const path of ing.spec?.rules?.flatMap((r) => r.http.paths) ?? []) {
        const svc = service(path.backend.service.name);
        expect(svc?.spec?.ports?.map((p) => p.name)).toContain(path.backend.service.port.name);
      }
      expect(ing.spec?.tls?.[0]?.secretName).toBeTruthy();
    }
    for (const proxy of ofKind(objects, 'HTTPProxy')) {
      for (const s of proxy.spec?.routes?.flatMap((r) => r.services) ?? [])
        expect(service(s.name)?.spec?.ports?.map((p) => p.port)).toContain(s.port);
      expect((proxy.spec?.virtualhost as { tls?: { secretName?: string } }).tls?.secretName).toBeTruthy();
    }
    for (const sm of ofKind(objects, 'ServiceMonitor')) {
      const selected = services.filter((s) => selects(sm.spec?.selector, s.metadata.labels ?? {}));
      expect(selected).toHaveLength(1);
      for (const ep of sm.spec?.endpoints ?? [])
        expect(selected[0]?.spec?.ports?.map((p) => p.name)).toContain(ep.port);
    }
  });

  it('have every NetworkPolicy select pods of the release', () => {
    const pods = podTemplates(objects);
    for (const np of ofKind(objects, 'NetworkPolicy')) {
      expect({ policy: np.metadata.name, selects: pods.some((p) => selects(np.spec?.podSelector, p.labels)) }).toEqual({
        policy: np.metadata.name,
        selects: true,
      });
    }
  });
});

describe('scraping', () => {
  const objects = render('everything');

  it('covers every metrics port: worker 9464 and 9465, web 8080 /metrics', () => {
    const ports = ofKind(objects, 'ServiceMonitor').flatMap((sm) =>
      (sm.spec?.endpoints ?? []).map((ep) => {
        const svc = ofKind(objects, 'Service').find((s) => selects(sm.spec?.selector, s.metadata.labels ?? {}));
        return `${svc?.spec?.ports?.find((p) => p.name === ep.port)?.port}${ep.path}`;
      })
    );
    expect(ports.sort()).toEqual(['8080/metrics', '9464/metrics', '9465/metrics']);
  });

  it('names the jobs the way the alert rules look for them', () => {
    // The job of a ServiceMonitor target is its Service's name; files/bridge-alerts.rules.yaml matches these.
    const names = ofKind(objects, 'Service').map((s) => s.metadata.name);
    expect(names.some((n) => /.*bridge.*worker.*/.test(n))).toBe(true);
    expect(names.some((n) => /.*bridge.*web.*/.test(n))).toBe(true);
  });

  it('embeds the rule groups of files/bridge-alerts.rules.yaml and the dashboard for the Grafana sidecar', () => {
    expect(find(objects, 'PrometheusRule', '').spec?.groups?.length).toBeGreaterThan(0);
    const dashboard = ofKind(objects, 'ConfigMap').find((c) => c.metadata.labels?.grafana_dashboard === '1');
    expect(JSON.parse(Object.values(dashboard?.data ?? {})[0] ?? '')).toHaveProperty('panels');
  });
});
