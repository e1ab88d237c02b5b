import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHART,
  type Manifest,
  ROOT,
  VARIANTS,
  ofKind,
  readYamlFile,
  render,
  renderError,
  renderNotes,
} from './support/helm';

/** What the Ingress and the HTTPProxy route from outside, and what they must not. */

interface Route {
  object: string;
  path: string;
}

/** Every path an Ingress or HTTPProxy of these objects routes, as a prefix (exact conditions count as prefixes too). */
function publicRoutes(objects: Manifest[]): Route[] {
  const routes: Route[] = [];
  for (const ing of ofKind(objects, 'Ingress')) {
    expect(ing.spec?.defaultBackend).toBeUndefined(); // a default backend would route every path
    for (const p of ing.spec?.rules?.flatMap((r) => r.http.paths) ?? [])
      routes.push({ object: `Ingress/${ing.metadata.name}`, path: p.path });
  }
  for (const proxy of ofKind(objects, 'HTTPProxy')) {
    for (const route of (proxy.spec?.routes ?? []) as { conditions?: Record<string, string>[] }[]) {
      const conditions = route.conditions ?? [];
      // A route without a path condition matches every path.
      const paths = conditions.flatMap((c) => [c.prefix, c.exact, c.regex].filter((x): x is string => !!x));
      for (const path of paths.length ? paths : ['/']) routes.push({ object: `HTTPProxy/${proxy.metadata.name}`, path });
    }
  }
  return routes;
}

/** A prefix reaches the codec when it is /codec or below, or when /codec starts with it (string prefixes, as Contour). */
const reachesCodec = (path: string) => path.startsWith('/codec') || '/codec'.startsWith(path);

const JWT = { jwksUrl: 'https://sso.example.com/keys', issuer: 'https://sso.example.com', audience: 'temporal-ui' };

/** The chart values the ArgoCD Application passes. */
const argoValues = (): object =>
  (readYamlFile('deploy/argocd/application.yaml')[0] as { spec: { source: { helm: { valuesObject: object } } } }).spec
    .source.helm.valuesObject;

describe('the codec endpoint', () => {
  it.each(VARIANTS)('is not routed from outside by the %s values', (variant) => {
    expect(publicRoutes(render(variant)).filter((r) => reachesCodec(r.path))).toEqual([]);
  });

  it('is not routed from outside by the ArgoCD Application, even with an Ingress or an HTTPProxy turned on', () => {
    const values = argoValues();
    for (const edge of [{ ingress: { enabled: true } }, { httpProxy: { enabled: true } }]) {
      const routes = publicRoutes(render('default', { ...values, ...edge }));
      expect(routes.length).toBeGreaterThan(0);
      expect(routes.filter((r) => reachesCodec(r.path))).toEqual([]);
    }
  });

  it('is in no example: no values file, README or doc lists /codec (or a catch-all) in exposedPaths', () => {
    const files = [
      join(CHART, 'values.yaml'),
      ...readdirSync(join(CHART, 'ci')).map((f) => join(CHART, 'ci', f)),
      join(CHART, 'README.md'),
      join(ROOT, 'README.md'),
      join(ROOT, 'deploy/argocd/application.yaml'),
      ...readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(ROOT, 'docs', f)),
    ];
    const offending = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/exposedPaths:?\s*\[([^\]]*)\]/g)]
        .filter(([, list]) => (list ?? '').split(',').some((p) => reachesCodec(p.trim().replace(/[`"']/g, ''))))
        .map(([match]) => `${file}: ${match}`)
    );
    expect(offending).toEqual([]);
  });

  it.each([
    ['the Ingress', { ingress: { enabled: true } }],
    ['the HTTPProxy', { httpProxy: { enabled: true } }],
  ])('is refused through %s: /codec, a path below it, or a prefix that catches it', (_edge, edge) => {
    for (const path of ['/codec', '/codec/decode', '/', '/co'])
      expect(renderError('default', { ...edge, exposedPaths: ['/oneview-webhook', path] })).toContain(
        `exposedPaths [${path}] reach the codec endpoint`
      );
  });

  it('is refused even with allowPublicCodec while the codec has no authentication of its own', () => {
    expect(
      renderError('default', { ingress: { enabled: true }, exposedPaths: ['/codec'], allowPublicCodec: true })
    ).toContain('the codec has no authentication of its own');
  });

  it.each([
    ['its static token', { secrets: { codecAuthToken: true } }],
    ['the Web UI JWT', { web: { codecJwt: JWT } }],
  ])('is routed with allowPublicCodec once %s is configured', (_auth, auth) => {
    const objects = render('default', {
      ...auth,
      httpProxy: { enabled: true },
      exposedPaths: ['/oneview-webhook', '/codec'],
      allowPublicCodec: true,
    });
    expect(publicRoutes(objects).map((r) => r.path)).toEqual(['/oneview-webhook', '/codec']);
  });

  it('may be listed while nothing is routed from outside (no Ingress, no HTTPProxy)', () => {
    expect(publicRoutes(render('default', { exposedPaths: ['/codec'] }))).toEqual([]);
  });
});

const NGINX_RANGES = [
  'nginx.ingress.kubernetes.io/allowlist-source-range',
  'nginx.ingress.kubernetes.io/whitelist-source-range',
];

/** Every annotation of an Ingress that names a source range, whatever the controller. */
const sourceRangeAnnotations = (ing: Manifest): Record<string, string> =>
  Object.fromEntries(Object.entries(ing.metadata.annotations ?? {}).filter(([k]) => /source-range/.test(k)));

interface ProxyRoute {
  conditions: { prefix: string }[];
  ipAllowPolicy?: { cidr: string; source: string }[];
  ipDenyPolicy?: unknown[];
}
const proxyRoutes = (objects: Manifest[]): ProxyRoute[] =>
  ofKind(objects, 'HTTPProxy').flatMap((p) => (p.spec?.routes ?? []) as unknown as ProxyRoute[]);

describe('the webhook source restriction on the Ingress', () => {
  it('lets only the listed ranges reach /oneview-webhook, under both ingress-nginx annotation names', () => {
    const ingresses = ofKind(render('existing-secret-ingress'), 'Ingress');
    expect(ingresses.map((i) => [i.metadata.name, i.spec?.rules?.[0]?.http.paths.map((p) => p.path)])).toEqual([
      ['bridge-hponeview-pagerduty-bridge', ['/oneview-webhook']],
    ]);
    expect(sourceRangeAnnotations(ingresses[0] as Manifest)).toEqual(
      Object.fromEntries(NGINX_RANGES.map((a) => [a, '192.0.2.10/32']))
    );
    // The other annotations of ingress.annotations still apply.
    expect(ingresses[0]?.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('1m');
  });

  it('restricts the webhook only: other exposed paths sit in their own Ingress, without the restriction', () => {
    const objects = render('existing-secret-ingress', {
      exposedPaths: ['/oneview-webhook', '/health'],
      webhookAllowedSourceRanges: ['192.0.2.10/32', '198.51.100.0/28'],
    });
    const byPath = Object.fromEntries(
      ofKind(objects, 'Ingress').flatMap((i) => (i.spec?.rules?.[0]?.http.paths ?? []).map((p) => [p.path, i]))
    );
    expect(Object.keys(byPath).sort()).toEqual(['/health', '/oneview-webhook']);
    expect(byPath['/oneview-webhook']?.metadata.name).toBe('bridge-hponeview-pagerduty-bridge');
    expect(Object.values(sourceRangeAnnotations(byPath['/oneview-webhook'] as Manifest))).toEqual([
      '192.0.2.10/32,198.51.100.0/28',
      '192.0.2.10/32,198.51.100.0/28',
    ]);
    expect(byPath['/health']?.metadata.name).toBe('bridge-hponeview-pagerduty-bridge-extra');
    expect(sourceRangeAnnotations(byPath['/health'] as Manifest)).toEqual({});
  });

  it("keeps each path in the same Ingress whether or not the restriction is on (no move between objects)", () => {
    const base = { ingress: { enabled: true }, exposedPaths: ['/oneview-webhook', '/health'] };
    const owner = (values: object) =>
      ofKind(render('default', { ...base, ...values }), 'Ingress').map((i) => [
        i.metadata.name,
        i.spec?.rules?.[0]?.http.paths.map((p) => p.path),
      ]);
    expect(owner({ webhookAllowedSourceRanges: ['192.0.2.10/32'] })).toEqual(owner({}));
  });

  it("writes another controller's annotation when named, and nothing restricts by default", () => {
    const haproxy = render('existing-secret-ingress', {
      ingress: { sourceRangeAnnotations: ['haproxy-ingress.github.io/allowlist-source-range'] },
    });
    expect(sourceRangeAnnotations(ofKind(haproxy, 'Ingress')[0] as Manifest)).toEqual({
      'haproxy-ingress.github.io/allowlist-source-range': '192.0.2.10/32',
    });
    const open = render('default', { ingress: { enabled: true } });
    expect(ofKind(open, 'Ingress').map(sourceRangeAnnotations)).toEqual([{}]);
  });
});

describe('the webhook source restriction on the HTTPProxy', () => {
  it('puts an ipAllowPolicy on the webhook route only, matching the listed ranges on the configured source', () => {
    const routes = proxyRoutes(render('everything', { exposedPaths: ['/oneview-webhook', '/health'] }));
    expect(routes.map((r) => [r.conditions[0]?.prefix, r.ipAllowPolicy])).toEqual([
      [
        '/oneview-webhook',
        [
          { cidr: '198.51.100.10/32', source: 'Peer' },
          { cidr: '2001:db8:100::/48', source: 'Peer' },
        ],
      ],
      ['/health', undefined],
    ]);
    expect(routes.some((r) => r.ipDenyPolicy)).toBe(false);
  });

  it('matches the client address as Contour sees it (Remote) unless told otherwise; restricts nothing by default', () => {
    const restricted = proxyRoutes(render('external-secret-httpproxy', { webhookAllowedSourceRanges: ['192.0.2.0/24'] }));
    expect(restricted[0]?.ipAllowPolicy).toEqual([{ cidr: '192.0.2.0/24', source: 'Remote' }]);
    expect(proxyRoutes(render('external-secret-httpproxy')).map((r) => r.ipAllowPolicy)).toEqual([undefined]);
  });
});

describe('the webhook source restriction refuses', () => {
  it.each([
    ['a host name', ['oneview.example.com']],
    ['a bare address (a range needs its prefix length)', ['192.0.2.10']],
    ['a prefix length out of range', ['192.0.2.0/33']],
    ['an address out of range', ['192.0.2.256/32']],
    ['ranges in one comma-separated string', ['192.0.2.10/32,192.0.2.11/32']],
  ])('%s', (_what, ranges) => {
    expect(renderError('existing-secret-ingress', { webhookAllowedSourceRanges: ranges })).toContain(
      'webhookAllowedSourceRanges'
    );
  });

  it.each([
    [
      'ranges while the webhook is not routed',
      { ingress: { enabled: true }, exposedPaths: ['/health'] },
      'exposedPaths does not route /oneview-webhook',
    ],
    [
      'a shorter prefix that reaches the webhook around the restriction',
      { httpProxy: { enabled: true }, exposedPaths: ['/oneview-webhook', '/one'] },
      'exposedPaths /one also reaches /oneview-webhook',
    ],
    [
      'an Ingress with no annotation to carry the ranges',
      { ingress: { enabled: true, sourceRangeAnnotations: [] } },
      'ingress.sourceRangeAnnotations is empty',
    ],
  ])('%s', (_what, values, message) => {
    expect(renderError('default', { webhookAllowedSourceRanges: ['192.0.2.10/32'], ...values })).toContain(message);
  });
});

describe('NOTES.txt', () => {
  it('calls /test-connection and /force-poll only with POST and the operator token, in every value set', () => {
    const calls = VARIANTS.flatMap((variant) =>
      renderNotes(variant)
        .split('\n')
        .filter((l) => /\/(test-connection|force-poll)/.test(l) && /curl/.test(l))
    );
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((l) => !/curl -X POST -H "Authorization: Bearer \$TOKEN" /.test(l))).toEqual([]);
  });

  it('shows the operator commands once the operator token is configured', () => {
    const notes = renderNotes('everything');
    expect(notes).toContain("jsonpath='{.data.OPERATOR_TOKEN}'");
    for (const endpoint of ['test-connection', 'force-poll'])
      expect(notes).toContain(
        `curl -X POST -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/${endpoint}?appliance=<id>'`
      );
  });

  it('says what stays off without the operator token, and that the codec answers 404 without authentication', () => {
    const notes = renderNotes('default');
    expect(notes).toContain('POST /force-poll, POST /test-connection and the details of /health are off');
    expect(notes).toContain('The codec endpoint answers 404');
    expect(notes).toContain('Nothing is routed from outside');
  });

  it('says whether the webhook is restricted, and warns when /codec is routed from outside', () => {
    expect(renderNotes('existing-secret-ingress')).toContain('/oneview-webhook answers only 192.0.2.10/32');
    expect(renderNotes('external-secret-httpproxy')).toContain('NOTE: /oneview-webhook takes calls from any address');
    const codec = renderNotes('default', {
      web: { codecJwt: JWT },
      httpProxy: { enabled: true },
      exposedPaths: ['/oneview-webhook', '/codec'],
      allowPublicCodec: true,
    });
    expect(codec).toContain('WARNING: /codec routes the codec, which decrypts workflow history, from outside');
    expect(renderNotes('everything')).not.toContain('WARNING: ');
  });
});
