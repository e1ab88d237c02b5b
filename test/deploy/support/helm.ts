import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Renders the chart with the helm and Python that scripts/deploy-check.sh installs into .deploy-tools/. */

export const ROOT = resolve(__dirname, '../../..');
export const CHART = join(ROOT, 'deploy/helm/hponeview-pagerduty-bridge');
const TOOLS = process.env.DEPLOY_TOOLS ?? join(ROOT, '.deploy-tools');
const HELM = join(TOOLS, 'bin/helm');
const PYTHON = join(TOOLS, 'venv/bin/python');
const KUBE_VERSION = '1.37.0';
export const RELEASE = 'bridge';
export const NAMESPACE = 'bridge';

export type Labels = Record<string, string>;
export interface Selector {
  matchLabels?: Labels;
  matchExpressions?: unknown[];
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
export interface Probe {
  httpGet?: { path: string; port: string | number };
  tcpSocket?: unknown;
}
export interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] } };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Labels; limits?: Labels };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
export interface Volume {
  name: string;
  emptyDir?: Record<string, unknown>;
  secret?: { secretName: string; items?: { key: string; path: string }[] };
  configMap?: { name: string };
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  securityContext?: Record<string, unknown>;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  hostNetwork?: boolean;
  hostPID?: boolean;
}
export interface PolicyPeer {
  namespaceSelector?: Selector;
  podSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
export interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: { port: number | string; protocol: string }[];
}
/** The spec fields the tests look at, across kinds. */
export interface Spec {
  replicas?: number;
  selector?: Selector & Labels;
  template?: { metadata: { labels: Labels; annotations?: Labels }; spec: PodSpec };
  ports?: { name: string; port: number; targetPort: string | number }[];
  podSelector?: Selector;
  policyTypes?: string[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
  scaleTargetRef?: { apiVersion: string; kind: string; name: string };
  minReplicas?: number;
  maxReplicas?: number;
  metrics?: { type: string; resource: { name: string; target: { type: string; averageUtilization: number } } }[];
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  endpoints?: { port: string; path?: string }[];
  rules?: {
    host: string;
    http: {
      paths: { path: string; backend: { service: { name: string; port: { name?: string; number?: number } } } }[];
    };
  }[];
  tls?: { hosts: string[]; secretName: string }[];
  routes?: { conditions: { prefix: string }[]; services: { name: string; port: number }[] }[];
  groups?: unknown[];
  data?: { secretKey: string; remoteRef: { key: string } }[];
  refreshInterval?: string;
}
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Labels; annotations?: Labels };
  spec?: Spec & Record<string, unknown>;
  data?: Record<string, string>;
  automountServiceAccountToken?: boolean;
}

/** Names of the value sets the checks render: the defaults and every ci/*-values.yaml. */
export const VARIANTS = [
  'default',
  ...readdirSync(join(CHART, 'ci'))
    .filter((f) => f.endsWith('-values.yaml'))
    .map((f) => f.replace(/-values\.yaml$/, '')),
];

function valuesArgs(variant: string): string[] {
  return variant === 'default' ? [] : ['-f', join(CHART, 'ci', `${variant}-values.yaml`)];
}

/** Runs `helm template`; `values` (an object) is layered over the variant's values file. */
function helmTemplate(
  variant: string,
  values?: object,
  chart = CHART,
  extraArgs: string[] = []
): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(HELM) || !existsSync(PYTHON)) {
    throw new Error(`${HELM} or ${PYTHON} is missing: run 'bash scripts/deploy-check.sh' (it installs them)`);
  }
  const args = [
    'template',
    RELEASE,
    chart,
    ...extraArgs,
    '--namespace',
    NAMESPACE,
    '--kube-version',
    KUBE_VERSION,
    ...valuesArgs(variant),
  ];
  if (values) {
    const file = join(mkdtempSync(join(tmpdir(), 'bridge-deploy-test-')), 'values.json');
    writeFileSync(file, JSON.stringify(values));
    args.push('-f', file);
  }
  const run = spawnSync(HELM, args, { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const cache = new Map<string, Manifest[]>();

/** Multi-document YAML as a list of its documents, parsed with the tools' PyYAML (no YAML package in npm). */
export function parseYaml(text: string | Buffer, what: string): unknown[] {
  const json = spawnSync(PYTHON, [join(ROOT, 'scripts/deploy-validate.py'), 'to-json'], {
    input: text,
    encoding: 'utf8',
  });
  if (json.status !== 0) throw new Error(`${what} does not parse: ${json.stderr}`);
  return JSON.parse(json.stdout) as unknown[];
}

/** The documents of a YAML file of the repository (path relative to its root). */
export function readYamlFile(path: string): unknown[] {
  return parseYaml(readFileSync(join(ROOT, path)), path);
}

/** The rendered objects of a variant (plus extra values). */
export function render(variant = 'default', values?: object): Manifest[] {
  const key = JSON.stringify([variant, values]);
  const hit = cache.get(key);
  if (hit) return hit;
  const out = helmTemplate(variant, values);
  if (out.status !== 0) throw new Error(`helm template ${variant} failed: ${out.stderr}`);
  const objects = parseYaml(out.stdout, `rendered YAML of ${variant}`) as Manifest[];
  cache.set(key, objects);
  return objects;
}

/** The raw text helm prints for a variant (for searches across every object). */
export function renderText(variant = 'default', values?: object): string {
  const out = helmTemplate(variant, values);
  if (out.status !== 0) throw new Error(`helm template ${variant} failed: ${out.stderr}`);
  return out.stdout;
}

/**
 * NOTES.txt as `helm install` would print it. `helm template` skips NOTES.txt and an offline `install --dry-run` still
 * asks a cluster for its version, so a copy of the chart renders it through `tpl` into a YAML string.
 */
export function renderNotes(variant = 'default', values?: object): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'bridge-notes-')), 'chart');
  cpSync(CHART, copy, { recursive: true });
  renameSync(join(copy, 'templates/NOTES.txt'), join(copy, 'notes.txt'));
  writeFileSync(join(copy, 'templates/notes.yaml'), 'notes: |\n  {{- tpl (.Files.Get "notes.txt") . | nindent 2 }}\n');
  const out = helmTemplate(variant, values, copy, ['--show-only', 'templates/notes.yaml']);
  if (out.status !== 0) throw new Error(`helm template ${variant} failed: ${out.stderr}`);
  return (parseYaml(out.stdout, `NOTES.txt of ${variant}`)[0] as { notes: string }).notes;
}

/** The error helm gives for values that must not render; fails the test if they render. */
export function renderError(variant: string, values: object): string {
  const out = helmTemplate(variant, values);
  if (out.status === 0)
    throw new Error(`helm template ${variant} rendered values it should refuse: ${JSON.stringify(values)}`);
  return out.stderr;
}

export function ofKind(objects: Manifest[], kind: string): Manifest[] {
  return objects.filter((o) => o.kind === kind);
}

/** The one object of a kind whose name ends with the suffix. */
export function find(objects: Manifest[], kind: string, nameSuffix: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name.endsWith(nameSuffix));
  if (found.length !== 1) throw new Error(`expected one ${kind} *${nameSuffix}, found ${found.length}`);
  return found[0] as Manifest;
}

/** Every pod template (Deployments, Jobs) with the name of its owner. */
export function podTemplates(objects: Manifest[]): { owner: string; labels: Labels; pod: PodSpec }[] {
  return objects
    .filter((o) => o.spec?.template?.spec)
    .map((o) => ({
      owner: `${o.kind}/${o.metadata.name}`,
      labels: o.spec?.template?.metadata.labels ?? {},
      pod: o.spec?.template?.spec as PodSpec,
    }));
}

/** Whether a label selector (matchLabels only, as the chart writes them) selects these labels. */
export function selects(selector: Selector | Labels | undefined, labels: Labels): boolean {
  const match: Labels =
    (selector && 'matchLabels' in selector ? (selector as Selector).matchLabels : (selector as Labels)) ?? {};
  return Object.keys(match).length > 0 && Object.entries(match).every(([k, v]) => labels[k] === v);
}
