import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHART,
  type Container,
  type Manifest,
  type PodSpec,
  ROOT,
  VARIANTS,
  find,
  ofKind,
  podTemplates,
  readYamlFile,
  render,
} from './support/helm';

const podsOf = (variant: string) => podTemplates(render(variant));
const containersOf = (pod: PodSpec): Container[] => [...pod.containers, ...(pod.initContainers ?? [])];

/** Whether a variant runs in OpenShift mode, where the restricted SCC assigns the user and groups. */
const onOpenShift = (variant: string): boolean =>
  variant !== 'default' &&
  !!(readYamlFile(`${CHART.slice(ROOT.length + 1)}/ci/${variant}-values.yaml`)[0] as { openshift?: { enabled?: boolean } })
    .openshift?.enabled;
/** The fixed IDs a pod or container runs with: 10001 (the image's USER), or none on OpenShift. */
const fixedIds = (variant: string, pod: boolean) =>
  onOpenShift(variant)
    ? { runAsUser: undefined, runAsGroup: undefined, ...(pod ? { fsGroup: undefined } : {}) }
    : { runAsUser: 10001, runAsGroup: 10001, ...(pod ? { fsGroup: 10001 } : {}) };

describe.each(VARIANTS)('pods of the %s values', (variant) => {
  it('run as user 10001 (or as the OpenShift SCC assigns), non-root, RuntimeDefault seccomp, with no service account token', () => {
    for (const { owner, pod } of podsOf(variant)) {
      expect({ owner, ...pod.securityContext }).toMatchObject({
        owner,
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const [key, value] of Object.entries(fixedIds(variant, true)))
        expect({ owner, key, value: pod.securityContext?.[key] }).toEqual({ owner, key, value });
      expect({ owner, automount: pod.automountServiceAccountToken }).toEqual({ owner, automount: false });
      expect({ owner, hostNetwork: pod.hostNetwork, hostPID: pod.hostPID }).toEqual({
        owner,
        hostNetwork: undefined,
        hostPID: undefined,
      });
    }
  });

  it('give every container a read-only root, no privilege escalation and no capability', () => {
    for (const { owner, pod } of podsOf(variant)) {
      for (const c of containersOf(pod)) {
        for (const [key, value] of Object.entries(fixedIds(variant, false)))
          expect({ where: `${owner}/${c.name}`, key, value: c.securityContext?.[key] }).toEqual({
            where: `${owner}/${c.name}`,
            key,
            value,
          });
        expect({ where: `${owner}/${c.name}`, ...c.securityContext }).toMatchObject({
          where: `${owner}/${c.name}`,
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.securityContext?.capabilities?.add).toBeUndefined();
        // The read-only root needs a writable /tmp (tsx's compile cache, for the operator scripts).
        const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
        expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
      }
    }
  });

  it('probe every long-running container on a named port it declares', () => {
    for (const { owner, pod } of podsOf(variant).filter((p) => p.owner.startsWith('Deployment/'))) {
      for (const c of pod.containers) {
        const portNames = (c.ports ?? []).map((p) => p.name);
        for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
          expect(probe?.httpGet).toBeDefined();
          expect({ owner, port: portNames.includes(String(probe?.httpGet?.port)) }).toEqual({ owner, port: true });
        }
      }
    }
  });

  it('set requests and a memory limit on every container', () => {
    for (const { owner, pod } of podsOf(variant)) {
      for (const c of containersOf(pod)) {
        expect({
          owner,
          cpu: !!c.resources?.requests?.cpu,
          memory: !!c.resources?.requests?.memory,
          limit: !!c.resources?.limits?.memory,
        }).toEqual({
          owner,
          cpu: true,
          memory: true,
          limit: true,
        });
      }
    }
  });

  it('create a service account with no token and no Kubernetes permission at all', () => {
    const objects = render(variant);
    for (const sa of ofKind(objects, 'ServiceAccount')) expect(sa.automountServiceAccountToken).toBe(false);
    expect(objects.filter((o) => /Role|Binding/.test(o.kind))).toEqual([]);
  });
});

describe('the default pods', () => {
  const objects = render();

  it('probe the worker on /healthz (port metrics, 9464) and expose the SDK metrics on 9465', () => {
    const worker = find(objects, 'Deployment', '-worker').spec?.template?.spec.containers[0] as Container;
    expect(worker.ports).toEqual([
      { name: 'metrics', containerPort: 9464, protocol: 'TCP' },
      { name: 'sdk-metrics', containerPort: 9465, protocol: 'TCP' },
    ]);
    expect([worker.livenessProbe, worker.readinessProbe, worker.startupProbe].map((p) => p?.httpGet)).toEqual(
      Array(3).fill({ path: '/healthz', port: 'metrics' })
    );
    expect(worker.env).toEqual(
      expect.arrayContaining([
        { name: 'TEMPORAL_METRICS_PORT', value: '9465' },
        { name: 'WORKER_HTTP_PORT', value: '9464' },
      ])
    );
  });

  it('gets the web process ready on /ready and keeps it alive on an in-process endpoint that does not ask Temporal', () => {
    const web = find(objects, 'Deployment', '-web').spec?.template?.spec.containers[0] as Container;
    expect(web.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(web.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(web.livenessProbe?.httpGet).toEqual({ path: '/metrics', port: 'http' });
  });

  it('gives the worker more time to stop than its own shutdown grace, and sizes both as asked', () => {
    const worker = find(objects, 'Deployment', '-worker').spec?.template?.spec as PodSpec;
    const grace = Number(worker.containers[0]?.env?.find((e) => e.name === 'WORKER_SHUTDOWN_GRACE_SECONDS')?.value);
    expect(grace).toBe(30);
    expect(worker.terminationGracePeriodSeconds).toBe(60);
    expect(worker.containers[0]?.resources).toEqual({
      requests: { cpu: '300m', memory: '512Mi' },
      limits: { memory: '2Gi' },
    });
    const web = find(objects, 'Deployment', '-web').spec?.template?.spec as PodSpec;
    expect(web.containers[0]?.resources).toEqual({
      requests: { cpu: '200m', memory: '256Mi' },
      limits: { memory: '1Gi' },
    });
  });

  it("leaves the workflow cache to the SDK unless worker.maxCachedWorkflows is set, and then passes it on", () => {
    const cacheEnv = (o: Manifest[]) =>
      (find(o, 'Deployment', '-worker').spec?.template?.spec as PodSpec).containers[0]?.env?.find((e) => e.name === 'WORKER_MAX_CACHED_WORKFLOWS');
    expect(cacheEnv(objects)).toBeUndefined();
    expect(cacheEnv(render('default', { worker: { maxCachedWorkflows: 600 } }))?.value).toBe('600');
    expect(cacheEnv(render('default', { worker: { maxCachedWorkflows: 0 } }))?.value).toBe('0');
  });
});

/** .dockerignore semantics, enough for our patterns: the last matching line wins, `!` re-includes, `*` stays in a segment. */
function inBuildContext(path: string): boolean {
  const lines = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  let included = true;
  for (const line of lines) {
    const negate = line.startsWith('!');
    const pattern = line.replace(/^!/, '').replace(/\/$/, '');
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
    if (re.test(path)) included = negate;
  }
  return included;
}

/** A TypeScript entry point and every relative module it imports, transitively. */
function localImports(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const source = readFileSync(join(ROOT, entry), 'utf8');
  for (const [, spec] of source.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
    const base = join(entry, '..', spec as string);
    const file = [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(join(ROOT, f)));
    if (file) localImports(file, seen);
  }
  return seen;
}

/** The source of what a chart command runs: compiled entries (lib/src/…/*.js, built in the image) map to their TypeScript. */
const sourceOf = (entry: string) => entry.replace(/^lib\/(src\/.*)\.js$/, '$1.ts');

describe('the image', () => {
  it('holds every file the chart runs, with everything they import', () => {
    const objects = render('everything');
    const entries = podTemplates(objects).flatMap(({ pod }) => pod.containers.map((c) => c.command?.at(-1) as string));
    expect(new Set(entries)).toEqual(
      new Set(['lib/src/worker/main.js', 'lib/src/web/main.js', 'scripts/register-search-attributes.ts'])
    );
    for (const entry of entries) {
      const missing = [...localImports(sourceOf(entry))].filter((f) => !inBuildContext(f));
      expect({ entry, missing }).toEqual({ entry, missing: [] });
    }
    expect(inBuildContext('src/workflows/index.ts')).toBe(true);
    expect(inBuildContext('tsconfig.build.json')).toBe(true);
    expect(inBuildContext('.env')).toBe(false);
    expect(inBuildContext('node_modules/tsx/package.json')).toBe(false);
  });

  it('runs as the user the chart expects and carries the prebuilt workflow bundle', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER 10001$/m);
    expect(dockerfile).toMatch(/WORKFLOW_BUNDLE_PATH=\/app\/lib\/workflow-bundle\.js/);
    expect(dockerfile).toMatch(/^FROM \$\{NODE_IMAGE\} AS bundle$/m);
    // The image runs the Node.js release the tests and CI run on (scripts/ensure-node.sh), within package.json's engines.
    // Pinned by release and by the digest of the image's multi-platform index.
    const imageNode = /^ARG NODE_IMAGE=node:(\d+)\.(\d+)\.(\d+)-bookworm-slim@sha256:[0-9a-f]{64}$/m
      .exec(dockerfile)
      ?.slice(1);
    const testedNode = /^NODE_WHEEL_VERSION=(\d+)\.(\d+)\.(\d+)$/m
      .exec(readFileSync(join(ROOT, 'scripts', 'ensure-node.sh'), 'utf8'))
      ?.slice(1);
    expect(imageNode).toEqual(testedNode);
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines;
    expect(engines.node).toBe(`>=${imageNode![0]}.12.0 <${Number(imageNode![0]) + 1}`);
    // Only the runtime platform's native Temporal binaries.
    expect(dockerfile).toMatch(/core-bridge\/releases .*\n.*! -name "\$\(uname -m\)-unknown-linux-gnu" -exec rm -rf/);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    // The chart's compiled entries are built in the image from tsconfig.build.json, whose output is lib/.
    expect(dockerfile).toMatch(/^RUN npm run compile$/m);
    expect(dockerfile).toMatch(/^COPY --from=bundle \/app\/lib \.\/lib$/m);
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { outDir: string; rootDir: string }; include: string[] };
    expect(build).toMatchObject({ compilerOptions: { outDir: 'lib', rootDir: '.' }, include: ['src'] });
  });
});
