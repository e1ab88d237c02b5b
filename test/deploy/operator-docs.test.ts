import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHART,
  type Manifest,
  NAMESPACE,
  RELEASE,
  ROOT,
  VARIANTS,
  find,
  ofKind,
  podTemplates,
  readYamlFile,
  render,
  renderNotes,
  selects,
} from './support/helm';

/**
 * The commands the operator documentation hands out (NOTES.txt, the alert runbook, the chart README) run against the
 * rendered chart: namespaces, label selectors, object names, ports, Secret keys, in-pod commands the image can run,
 * the paths and methods curl calls, and the values keys they name.
 */

const RUNBOOK = 'deploy/monitoring/README.md';
const CHART_README = 'deploy/helm/hponeview-pagerduty-bridge/README.md';
const NOTES_TEMPLATE = 'deploy/helm/hponeview-pagerduty-bridge/templates/NOTES.txt';
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The rendered objects a document's commands must work against. */
interface Rendered {
  objects: Manifest[];
  pods: ReturnType<typeof podTemplates>;
}
const rendered = (objects: Manifest[]): Rendered => ({ objects, pods: podTemplates(objects) });

/** Every optional object on, with the operator token: what the runbook's and the README's commands must work against. */
const everything = rendered(render('everything'));
const fullname = find(everything.objects, 'Deployment', '-worker').metadata.name.replace(/-worker$/, '');

/** The runbook's placeholders, filled in for the rendered release. */
function fillPlaceholders(text: string): string {
  const secrets = new Set(
    everything.pods.flatMap(({ pod }) => (pod.volumes ?? []).flatMap((v) => v.secret?.secretName ?? [])),
  );
  const bridgeSecret = [...secrets].find((name) => name === fullname);
  if (!bridgeSecret) throw new Error(`no pod mounts the Secret ${fullname}`);
  return text
    .replaceAll('<namespace>', NAMESPACE)
    .replaceAll('<release>', RELEASE)
    .replaceAll('<fullname>', fullname)
    .replaceAll('<secret>', bridgeSecret);
}

// ------------------------------------------------------------------------------------------- commands

/** The `kubectl` and `curl` commands of a document: fenced code lines, inline code spans, or plain text lines. */
function commands(text: string, markdown: boolean): string[] {
  const found: string[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (markdown && /^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    const pieces = !markdown || fenced ? [line] : [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
    for (const piece of pieces) {
      if (piece.includes('...')) continue; // a sketch of a command ("kubectl exec ... -- node -e ..."), not one
      // A bare `kubectl port-forward` is a mention of the tool, not a command to run; a curl after `kubectl exec ... --`
      // runs in the pod and is that command's business.
      const m = /(?<![\w-])(kubectl|curl) /.exec(piece);
      const command = m ? piece.slice(m.index) : '';
      if (m && (m[1] === 'curl' || command.trim().split(/\s+/).length > 2)) found.push(command);
    }
  }
  return found;
}

/** Shell words of a command up to the first unquoted `|`, `)`, `;` or `#` comment. */
function words(command: string): string[] {
  const out: string[] = [];
  let word = '';
  let quote: string | undefined;
  let started = false;
  for (const c of command) {
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      started = true;
    } else if (/\s/.test(c)) {
      if (started) out.push(word);
      word = '';
      started = false;
    } else if (c === '|' || c === ')' || c === ';' || (c === '#' && !started)) {
      break;
    } else {
      word += c;
      started = true;
    }
  }
  if (started) out.push(word);
  return out;
}

interface Kubectl {
  verb: string;
  namespace?: string;
  selector?: string;
  args: string[];
  /** What follows `--` (exec). */
  inPod: string[];
}

const VALUED_FLAGS = new Set(['-n', '--namespace', '-l', '--selector', '-o', '--output', '-c', '--container']);

function parseKubectl(argv: string[]): Kubectl {
  const parsed: Kubectl = { verb: '', args: [], inPod: [] };
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') {
      parsed.inPod = argv.slice(i + 1);
      break;
    }
    if (VALUED_FLAGS.has(word)) {
      const value = argv[++i] as string;
      if (word === '-n' || word === '--namespace') parsed.namespace = value;
      if (word === '-l' || word === '--selector') parsed.selector = value;
      if (word === '-o' || word === '--output') parsed.args.push(`-o=${value}`);
      continue;
    }
    if (word.startsWith('-')) continue;
    if (!parsed.verb) parsed.verb = word;
    else parsed.args.push(word);
  }
  return parsed;
}

/** The pod templates a `kind/name` reference runs in: a Deployment's, a Service's backends, or any pod (`pod/<pod>`). */
function podsOf({ objects, pods }: Rendered, ref: string): Rendered['pods'] {
  const [kind, name] = ref.split('/') as [string, string];
  if (kind === 'pod') return name === '<pod>' ? pods : [];
  if (kind === 'deploy' || kind === 'deployment') return pods.filter((p) => p.owner === `Deployment/${name}`);
  if (kind === 'svc' || kind === 'service') {
    const service = ofKind(objects, 'Service').find((s) => s.metadata.name === name);
    return service ? pods.filter((p) => selects(service.spec?.selector, p.labels)) : [];
  }
  return [];
}

const containerPorts = (templates: Rendered['pods']) =>
  templates.flatMap(({ pod }) => pod.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort)));

/** Routes each process serves, read from the code: the web process's route table and the worker's HTTP server. */
function routes(): Map<string, Map<string, string>> {
  const web = new Map<string, string>();
  for (const file of readdirSync(join(ROOT, 'src/web')).filter((f) => f.endsWith('.ts')))
    for (const m of read(`src/web/${file}`).matchAll(/method: '(\w+)',\s*path: '(\/[^'$]*)'/g))
      web.set(m[2] as string, m[1] as string);
  const worker = new Map(
    [...read('src/worker/http-server.ts').matchAll(/req\.method === '(\w+)' && path === '([^']+)'/g)].map(
      (m) => [m[2] as string, m[1] as string] as const,
    ),
  );
  return new Map([
    ['web', web],
    ['worker', worker],
  ]);
}
const ROUTES = routes();

/** The process (the pods' component label) that listens on a container port. */
function processOnPort({ pods }: Rendered, port: number): string | undefined {
  const owners = new Set(
    pods
      .filter(({ pod }) => pod.containers.some((c) => (c.ports ?? []).some((p) => p.containerPort === port)))
      .map((p) => p.labels['app.kubernetes.io/component']),
  );
  return owners.size === 1 ? [...owners][0] : undefined;
}

/** Problems of every command of one document; `local` collects the ports its port-forwards open on the operator's machine. */
function checkCommands(doc: string, markdown: boolean, chart: Rendered = everything): string[] {
  const { objects, pods } = chart;
  const problems: string[] = [];
  const local = new Map<number, string>();
  const all = commands(doc, markdown).map(words);
  // Port-forwards first: a curl may come before the port-forward it relies on in a list of endpoints.
  for (const argv of all.filter((a) => a[0] === 'kubectl')) {
    const k = parseKubectl(argv);
    if (k.verb !== 'port-forward') continue;
    const [ref, ...ports] = k.args;
    const targets = podsOf(chart, ref ?? '');
    for (const spec of ports) {
      const [l, r] = spec.includes(':') ? spec.split(':') : [spec, spec];
      const remote = Number(r);
      const service = ref?.startsWith('svc/')
        ? ofKind(objects, 'Service').find((s) => `svc/${s.metadata.name}` === ref)
        : undefined;
      const open = service
        ? (service.spec?.ports ?? []).some((p) => p.port === remote)
        : containerPorts(targets).includes(remote);
      if (!open) problems.push(`${argv.join(' ')}: ${ref} has no port ${remote}`);
      const servicePort = service?.spec?.ports?.find((p) => p.port === remote);
      const targetPort = servicePort
        ? containerPorts(targets).find((p) =>
            targets.some(({ pod }) =>
              pod.containers.some((c) =>
                (c.ports ?? []).some((cp) => cp.containerPort === p && cp.name === servicePort.targetPort),
              ),
            ),
          )
        : remote;
      local.set(Number(l), processOnPort(chart, targetPort ?? -1) ?? '?');
    }
  }
  for (const argv of all) {
    const line = argv.join(' ');
    if (argv[0] === 'curl') {
      const url = argv.find((w) => /^https?:\/\//.test(w));
      const target = url ? /^https?:\/\/(localhost|127\.0\.0\.1):(\d+)(\/[^?]*)?/.exec(url) : undefined;
      if (!target) continue; // not the bridge (e.g. Grafana's API)
      const process = local.get(Number(target[2]));
      if (!process) {
        problems.push(`${line}: no port-forward in the same document opens port ${target[2]}`);
        continue;
      }
      const method = argv.includes('-X') ? (argv[argv.indexOf('-X') + 1] as string) : 'GET';
      const expected = ROUTES.get(process)?.get(target[3] ?? '/');
      if (expected !== method) problems.push(`${line}: the ${process} process serves ${target[3]} with ${expected}`);
      continue;
    }
    const k = parseKubectl(argv);
    if (k.namespace !== NAMESPACE) problems.push(`${line}: namespace ${k.namespace}, not the release's`);
    if (k.selector) {
      const labels = Object.fromEntries(k.selector.split(',').map((kv) => kv.split('=') as [string, string]));
      if (!pods.some((p) => selects(labels, p.labels))) problems.push(`${line}: -l ${k.selector} selects no pod`);
    }
    for (const ref of k.args.filter((a) => /^(deploy|deployment|svc|service|pod)\//.test(a)))
      if (podsOf(chart, ref).length === 0) problems.push(`${line}: ${ref} is not rendered`);
    if (k.verb === 'get' && k.args[0] === 'secret') {
      const name = k.args[1] as string;
      const key = /\{\.data\.(\w+)\}/.exec(k.args.find((a) => a.startsWith('-o=')) ?? '')?.[1];
      const mounted = pods.flatMap(({ pod }) =>
        (pod.volumes ?? []).filter((v) => v.secret?.secretName === name).flatMap((v) => v.secret?.items ?? []),
      );
      if (!mounted.some((item) => item.key === key)) problems.push(`${line}: no pod reads key ${key} of Secret ${name}`);
    }
    if (k.verb === 'exec') {
      const [program, ...rest] = k.inPod;
      // node:*-bookworm-slim has node, not curl or wget.
      if (program !== 'node') problems.push(`${line}: runs ${program} in a pod; the image has node, not curl`);
      const script = rest.find((w) => /^scripts\/[\w-]+\.ts$/.test(w));
      if (script && !existsSync(join(ROOT, script))) problems.push(`${line}: ${script} does not exist`);
      const ref = k.args.find((a) => a.includes('/')) ?? '';
      for (const m of rest.join(' ').matchAll(/(?:localhost|127\.0\.0\.1):(\d+)(\/[\w/-]*)?/g)) {
        const port = Number(m[1]);
        if (!containerPorts(podsOf(chart, ref)).includes(port)) problems.push(`${line}: ${ref} listens on no port ${port}`);
        const process = processOnPort(chart, port);
        if (process && !ROUTES.get(process)?.has(m[2] ?? '/'))
          problems.push(`${line}: the ${process} process has no ${m[2]}`);
      }
    }
  }
  return problems;
}

describe('commands in the operator documentation', () => {
  it('the runbook: namespace, selectors, objects, ports, Secret keys, in-pod programs and paths all match the chart', () => {
    const runbook = fillPlaceholders(read(RUNBOOK));
    expect(commands(runbook, true).length).toBeGreaterThan(10);
    expect(checkCommands(runbook, true)).toEqual([]);
  });

  it('the chart README', () => {
    expect(checkCommands(fillPlaceholders(read(CHART_README)), true)).toEqual([]);
  });

  it.each(VARIANTS)('NOTES.txt of the %s values', (variant) => {
    const notes = renderNotes(variant);
    expect(commands(notes, false).length).toBeGreaterThan(0);
    expect(checkCommands(notes, false, rendered(render(variant)))).toEqual([]);
  });

  it('the checker finds what the review found wrong', () => {
    const wrong = [
      'kubectl -n <namespace> get pods -l app.kubernetes.io/instance=<release>,component=poller',
      'kubectl -n <namespace> exec deploy/<fullname>-worker -- curl -s http://127.0.0.1:9464/healthz',
      'kubectl -n <namespace> port-forward svc/<fullname>-web 5000:5000',
      'curl http://localhost:5000/health',
      'kubectl -n default logs deploy/<fullname>-worker',
      "kubectl -n <namespace> get secret <secret> -o jsonpath='{.data.OPERATOR_KEY}'",
      'kubectl -n <namespace> port-forward svc/<fullname>-web 8080:8080',
      "curl 'http://localhost:8080/force-poll?appliance=ID'",
    ].map((c) => `\`${c}\``);
    expect(checkCommands(fillPlaceholders(wrong.join('\n')), true)).toHaveLength(7);
  });
});

// ------------------------------------------------------------------------------------------- values named in the docs

const VALUES = 'deploy/helm/hponeview-pagerduty-bridge/values.yaml';
const values = readYamlFile(VALUES)[0] as Record<string, unknown>;
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as {
  properties: { logLevel: { enum: string[] } };
};

/** Whether a dotted path (`a.b.c`) is a key of values.yaml. */
function isValuesKey(path: string): boolean {
  let node: unknown = values;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
}

describe('values named in the operator documentation', () => {
  const docs: [string, string][] = [
    [RUNBOOK, read(RUNBOOK)],
    [CHART_README, read(CHART_README)],
    [NOTES_TEMPLATE, read(NOTES_TEMPLATE)],
  ];

  it('every --set key and every dotted key=value is a key of values.yaml', () => {
    const keys = docs.flatMap(([file, text]) =>
      [
        ...text.matchAll(/--set[ =]([\w.[\]-]+)=/g),
        ...text.matchAll(/(?<![\w./-])([a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)+)=/g),
      ].map((m) => [file, m[1] as string] as const),
    );
    expect(keys.length).toBeGreaterThan(2);
    expect(keys.filter(([, key]) => !isValuesKey(key))).toEqual([]);
  });

  it('every `a.b` value path the docs name in backticks exists', () => {
    // Dotted names in backticks that are not values: files and Secret keys, host names, the poller status's fields.
    const notValues = (name: string) =>
      /\.(ya?ml|json|ts|md|txt|tpl|crt|key|pem|com)$/.test(name) || /^(status|scmb)\./.test(name);
    const named = docs.flatMap(([file, text]) =>
      [...text.matchAll(/`([a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)+)`/g)]
        .map((m) => m[1] as string)
        .filter((name) => !notValues(name))
        .map((name) => [file, name] as const),
    );
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter(([, name]) => !isValuesKey(name))).toEqual([]);
  });

  it('every log level is one the schema accepts (upper case)', () => {
    const examples = readdirSync(join(CHART, 'ci')).map((f) => read(`${CHART.slice(ROOT.length + 1)}/ci/${f}`));
    const levels = [...docs.map(([, text]) => text), read(VALUES), ...examples].flatMap((text) =>
      [...text.matchAll(/\b(?:logLevel|LOG_LEVEL)\s*[:=]\s*["']?([A-Za-z]+)/g)].map((m) => m[1] as string),
    );
    expect(levels).toEqual(expect.arrayContaining(['INFO', 'DEBUG']));
    expect(levels.filter((l) => !schema.properties.logLevel.enum.includes(l))).toEqual([]);
  });

  it('the scrape table of the runbook gives the ports the pods listen on', () => {
    const defaults = render('default');
    const portsOf = (component: string) =>
      podTemplates(defaults)
        .filter((p) => p.labels['app.kubernetes.io/component'] === component)
        .flatMap(({ pod }) => pod.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort)));
    const rows = [...read(RUNBOOK).matchAll(/^\| (worker|web) \| `(\d+)` `\/metrics`/gm)].map(
      (m) => [m[1] as string, Number(m[2])] as const,
    );
    expect(rows).toEqual([
      ['worker', 9464],
      ['worker', 9465],
      ['web', 8080],
    ]);
    for (const [component, port] of rows) expect(portsOf(component)).toContain(port);
  });

  it('values.yaml names the search attributes the bridge registers', () => {
    const source = read('src/shared/search-attributes.ts');
    const names = new Map(
      [...source.matchAll(/export const (\w+) = defineSearchAttributeKey\('(\w+)'/g)].map((m) => [m[1], m[2]]),
    );
    const registered = (/BRIDGE_SEARCH_ATTRIBUTES = \[([^\]]*)\]/.exec(source)?.[1] ?? '')
      .split(',')
      .map((c) => names.get(c.trim()));
    const comment = /registering the search attributes[^(]*\(([^;)]*)/.exec(read(VALUES));
    const named = (comment?.[1] ?? '').split(',').map((n) => n.replace(/#/g, '').trim());
    expect(registered).toHaveLength(5);
    expect(named).toEqual(registered);
  });
});

describe('NOTES.txt and the PrometheusRule', () => {
  it('warns when the rules are on without the ServiceMonitors whose jobs they look for', () => {
    const notes = renderNotes('default', { metrics: { prometheusRule: { enabled: true } } });
    expect(notes).toContain('WARNING: metrics.prometheusRule is on without metrics.serviceMonitor');
    expect(notes).toContain(`${fullname}-worker and ${fullname}-web in namespace ${NAMESPACE}`);
    expect(renderNotes('everything')).not.toContain('WARNING: metrics.prometheusRule');
  });
});

// Objects referenced above exist in the render (a guard for the helpers, not the docs).
test('the everything values render the worker and web Deployments and Services', () => {
  const { objects } = everything;
  for (const suffix of ['-worker', '-web']) {
    expect(find(objects, 'Deployment', suffix).metadata.name).toBe(`${fullname}${suffix}`);
    expect(find(objects, 'Service', suffix).metadata.name).toBe(`${fullname}${suffix}`);
  }
  expect(ofKind(objects, 'Deployment').map((d) => d.metadata.name)).toHaveLength(2);
});
