import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CHART, type Manifest, ROOT, VARIANTS, ofKind, readYamlFile, render, renderError } from './support/helm';

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
