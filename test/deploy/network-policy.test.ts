import { type Manifest, type PolicyRule, VARIANTS, find, ofKind, podTemplates, render, selects } from './support/helm';

/** A rule as "peer -> port/protocol" strings, so a whole policy compares in one assertion. */
function describeRules(rules: PolicyRule[] | undefined, direction: 'from' | 'to'): string[] {
  return (rules ?? []).flatMap((rule) => {
    const peers = (rule[direction] ?? []).map((p) => {
      if (p.ipBlock) return `${p.ipBlock.cidr}${p.ipBlock.except?.length ? ` except ${p.ipBlock.except.length}` : ''}`;
      const ns = JSON.stringify(p.namespaceSelector?.matchLabels ?? 'same-namespace');
      return `ns ${ns} pods ${JSON.stringify(p.podSelector?.matchLabels ?? {})}`;
    });
    return peers.flatMap((peer) => (rule.ports ?? []).map((port) => `${peer} -> ${port.port}/${port.protocol}`));
  });
}

describe.each(VARIANTS)('network policies of the %s values', (variant) => {
  const objects = render(variant);
  const policies = ofKind(objects, 'NetworkPolicy');

  it('deny everything to and from every pod of the release by default', () => {
    const deny = find(objects, 'NetworkPolicy', '-default-deny');
    expect(deny.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny.spec?.ingress).toBeUndefined();
    expect(deny.spec?.egress).toBeUndefined();
    for (const { owner, labels } of podTemplates(objects)) {
      expect({ owner, denied: selects(deny.spec?.podSelector, labels) }).toEqual({ owner, denied: true });
    }
  });

  it('never write a rule without peers or ports (which would allow everyone or every port)', () => {
    for (const np of policies) {
      for (const rule of np.spec?.ingress ?? [])
        expect([np.metadata.name, rule.from?.length, rule.ports?.length]).toEqual([
          np.metadata.name,
          expect.any(Number),
          expect.any(Number),
        ]);
      for (const rule of np.spec?.egress ?? [])
        expect([np.metadata.name, rule.to?.length, rule.ports?.length]).toEqual([
          np.metadata.name,
          expect.any(Number),
          expect.any(Number),
        ]);
      for (const rule of [...(np.spec?.ingress ?? []), ...(np.spec?.egress ?? [])]) {
        expect(rule.from ?? rule.to).not.toContainEqual({});
        expect(rule.from ?? rule.to).not.toContainEqual(
          expect.objectContaining({ podSelector: {}, namespaceSelector: {} })
        );
      }
    }
  });

  it('let only DNS and Temporal out of the web pods, which hold no OneView or PagerDuty secret', () => {
    const web = policies.find((p) => p.metadata.name.endsWith('-web'));
    if (!web) return; // the web tier is off in this variant
    const egress = describeRules(web.spec?.egress, 'to');
    // DNS on 53, or 5353 where the DNS pods listen there (OpenShift); Temporal on 7233.
    expect(egress.every((r) => / -> (53|5353)\/(UDP|TCP)$/.test(r) || / -> 7233\/TCP$/.test(r))).toBe(true);
    expect(describeRules(web.spec?.ingress, 'from').every((r) => r.endsWith(' -> http/TCP'))).toBe(true);
  });
});

describe('the default network policies', () => {
  const objects = render();
  const policy = (suffix: string): Manifest => find(objects, 'NetworkPolicy', suffix);

  it('let the worker reach only DNS (UDP and TCP), Temporal on 7233 and public addresses on 443 for PagerDuty', () => {
    expect(describeRules(policy('-worker').spec?.egress, 'to')).toEqual([
      'ns {"kubernetes.io/metadata.name":"kube-system"} pods {"k8s-app":"kube-dns"} -> 53/UDP',
      'ns {"kubernetes.io/metadata.name":"kube-system"} pods {"k8s-app":"kube-dns"} -> 53/TCP',
      'ns {"kubernetes.io/metadata.name":"temporal"} pods {"app.kubernetes.io/component":"frontend","app.kubernetes.io/name":"temporal"} -> 7233/TCP',
      '0.0.0.0/0 except 6 -> 443/TCP',
    ]);
    const pagerDuty = policy('-worker').spec?.egress?.at(-1)?.to?.[0]?.ipBlock;
    // No private ranges and no cloud metadata endpoint behind "PagerDuty".
    expect(pagerDuty?.except).toEqual(
      expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'])
    );
  });

  it('let only Prometheus in to the worker, on its two metrics ports', () => {
    expect(describeRules(policy('-worker').spec?.ingress, 'from')).toEqual([
      'ns {"kubernetes.io/metadata.name":"monitoring"} pods {"app.kubernetes.io/name":"prometheus"} -> metrics/TCP',
      'ns {"kubernetes.io/metadata.name":"monitoring"} pods {"app.kubernetes.io/name":"prometheus"} -> sdk-metrics/TCP',
    ]);
  });

  it('let only the ingress controller and Prometheus in to the web pods, on 8080', () => {
    expect(describeRules(policy('-web').spec?.ingress, 'from')).toEqual([
      'ns {"kubernetes.io/metadata.name":"projectcontour"} pods {} -> http/TCP',
      'ns {"kubernetes.io/metadata.name":"monitoring"} pods {"app.kubernetes.io/name":"prometheus"} -> http/TCP',
    ]);
  });
});

describe('network policies with appliances', () => {
  it('let the worker reach exactly the listed appliance addresses, on the listed ports', () => {
    const egress = describeRules(find(render('many-appliances-mtls'), 'NetworkPolicy', '-worker').spec?.egress, 'to');
    expect(egress.filter((r) => r.startsWith('198.51.100.'))).toEqual([
      '198.51.100.0/28 -> 443/TCP',
      '198.51.100.0/28 -> 8443/TCP',
    ]);
  });

  it('let the setup Job reach only DNS and Temporal', () => {
    const setup = find(render('everything'), 'NetworkPolicy', '-setup');
    expect(setup.spec?.ingress).toBeUndefined();
    expect(describeRules(setup.spec?.egress, 'to').every((r) => / -> (53\/(UDP|TCP)|7233\/TCP)$/.test(r))).toBe(true);
  });
});
