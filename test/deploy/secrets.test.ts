import { loadConfig } from '../../src/config/load-config';
import { loadWebConfig } from '../../src/web/web-config';
import {
  type Container,
  type Manifest,
  type PodSpec,
  VARIANTS,
  find,
  ofKind,
  podTemplates,
  render,
  renderError,
  renderText,
} from './support/helm';

/** Sample secrets, as they would sit in the Secret; none may ever appear in a rendered object. */
const SECRETS: Record<string, string> = {
  WEBHOOK_TOKEN: 'webhook-token-7f3c9a1e5b2d4c6f',
  PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  PAYLOAD_ENCRYPTION_PREVIOUS_KEYS: Buffer.alloc(32, 9).toString('base64'),
  PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEYdefault000000000000001',
  ONEVIEW_PASSWORD: 'ov-password-Hx81!',
  TEMPORAL_API_KEY: 'temporal-api-key-Zq93',
  OV_A_PASSWORD: 'ov-a-password-Lk2@',
  OV_B_PASSWORD: 'ov-b-password-Pp5#',
  PD_KEY_A: 'R0UT1NGKEYapplianceA000000000001',
  PD_KEY_B: 'R0UT1NGKEYapplianceB000000000001',
  PD_KEY_FACILITIES: 'R0UT1NGKEYfacilities000000000001',
  OPERATOR_TOKEN: 'operator-token-c0ffee-5e1f-4a7b-9d2c-81e3b4a6f0d9',
  CODEC_AUTH_TOKEN: 'codec-auth-token-b16b00b5-77aa-4c1e-a9e2-3f5d0c8e1b42',
};
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const SECRET_ENV = /(PASSWORD|TOKEN|ROUTING_KEY|ENCRYPTION_KEY|PREVIOUS_KEYS|API_KEY|PD_KEY_[A-Z])$/;

describe('secret values in values.yaml', () => {
  it.each([
    ['an appliance password', { appliances: [{ host: 'ov', username: 'u', password: SECRETS.OV_A_PASSWORD }] }],
    [
      'an appliance routing key',
      {
        appliances: [
          { host: 'ov', username: 'u', passwordFile: '/etc/bridge/secrets/P', routingKey: SECRETS.PD_KEY_A },
        ],
      },
    ],
    ['the OneView password', { oneview: { password: SECRETS.ONEVIEW_PASSWORD } }],
    ['the PagerDuty routing key', { pagerDuty: { routingKey: SECRETS.PAGERDUTY_ROUTING_KEY } }],
    ['the webhook token', { secrets: { webhookToken: SECRETS.WEBHOOK_TOKEN } }],
    ['the Temporal API key', { temporal: { apiKey: { value: SECRETS.TEMPORAL_API_KEY } } }],
    [
      'the payload key as an extra env variable',
      { worker: { extraEnv: [{ name: 'PAYLOAD_ENCRYPTION_KEY', value: SECRETS.PAYLOAD_ENCRYPTION_KEY }] } },
    ],
    [
      'the webhook token as an extra env variable',
      { web: { extraEnv: [{ name: 'WEBHOOK_TOKEN', value: SECRETS.WEBHOOK_TOKEN }] } },
    ],
    ['the operator token', { secrets: { operatorToken: SECRETS.OPERATOR_TOKEN } }],
    ['the codec token', { web: { codecAuthToken: SECRETS.CODEC_AUTH_TOKEN } }],
    [
      'the operator token as an extra env variable',
      { web: { extraEnv: [{ name: 'OPERATOR_TOKEN', value: SECRETS.OPERATOR_TOKEN }] } },
    ],
    [
      'the codec token as an extra env variable',
      { web: { extraEnv: [{ name: 'CODEC_AUTH_TOKEN', value: SECRETS.CODEC_AUTH_TOKEN }] } },
    ],
  ])('have no place: %s is refused', (_what, values) => {
    expect(renderError('default', values)).toContain("values don't meet the specifications of the schema");
  });
});

describe.each(VARIANTS)('secrets in the %s objects', (variant) => {
  const objects = render(variant);

  it('are never rendered: the chart creates no Secret and no object holds a sample value or a private key', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
    const text = renderText(variant);
    for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
    expect(text).not.toMatch(/PRIVATE KEY/);
  });

  it('reach every container as files from the Secret (or a secretKeyRef), never as literal values', () => {
    for (const { owner, pod } of podTemplates(objects)) {
      for (const c of pod.containers) {
        for (const e of c.env ?? []) {
          if (SECRET_ENV.test(e.name))
            expect({ owner, env: e.name, literal: e.value }).toEqual({ owner, env: e.name, literal: undefined });
          if (e.name.endsWith('_FILE'))
            expect({ owner, env: e.name, mounted: podFiles(objects, pod, c).has(e.value ?? '') }).toEqual({
              owner,
              env: e.name,
              mounted: true,
            });
        }
      }
    }
  });

  it('give the web pods only the webhook token, the payload keys, the Temporal API key and the operator and codec tokens', () => {
    const web = objects.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-web'));
    if (!web) return;
    const keys = web.spec?.template?.spec.volumes?.flatMap((v) => v.secret?.items?.map((i) => i.key) ?? []) ?? [];
    const webKeys = [
      'WEBHOOK_TOKEN',
      'PAYLOAD_ENCRYPTION_KEY',
      'PAYLOAD_ENCRYPTION_PREVIOUS_KEYS',
      'TEMPORAL_API_KEY',
      'OPERATOR_TOKEN',
      'CODEC_AUTH_TOKEN',
    ];
    expect(keys.filter((k) => !webKeys.includes(k))).toEqual([]);
    expect(keys).toEqual(expect.arrayContaining(['WEBHOOK_TOKEN', 'PAYLOAD_ENCRYPTION_KEY']));
    expect(web.spec?.template?.spec.containers[0]?.env?.some((e) => e.valueFrom)).toBe(false);
  });
});

// The defaults name no appliance, which the worker refuses by design (NOTES.txt says so); every other set must start.
describe.each(VARIANTS.filter((v) => v !== 'default'))('the processes of the %s values', (variant) => {
  it("accept the rendered env and files: the worker's and the web process's own config loaders find no problem", () => {
    const objects = render(variant);
    for (const [suffix, load] of [
      ['-worker', loadConfig],
      ['-web', loadWebConfig],
    ] as const) {
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith(suffix));
      if (!deployment) continue;
      const pod = deployment.spec?.template?.spec as PodSpec;
      const container = pod.containers[0] as Container;
      const files = podFiles(objects, pod, container);
      const readFile = (path: string): string => {
        const content = files.get(path);
        if (content === undefined) throw Object.assign(new Error(`no such file ${path}`), { code: 'ENOENT' });
        return content;
      };
      expect(() => load(podEnv(container), readFile)).not.toThrow();
    }
  });
});

describe('the ExternalSecret', () => {
  it('uses the served external-secrets.io/v1 API, refreshes hourly and writes the Secret the pods mount', () => {
    const objects = render('external-secret-httpproxy');
    const es = find(objects, 'ExternalSecret', '');
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.spec?.refreshInterval).toBe('1h');
    expect(es.spec?.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'vault-bridge' });
    const target = (es.spec?.target as { name: string }).name;
    for (const { pod } of podTemplates(objects))
      expect(pod.volumes?.find((v) => v.secret)?.secret?.secretName).toBe(target);
    expect(es.spec?.data?.map((d) => [d.secretKey, d.remoteRef.key])).toContainEqual([
      'OV_B_PASSWORD',
      'secret/oneview/synergy-b',
    ]);
  });
});

/** The files a container sees, from its volume mounts, with the sample secrets as the Secret's content. */
function podFiles(objects: Manifest[], pod: PodSpec, container: Container): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of container.volumeMounts ?? []) {
    const v = pod.volumes?.find((x) => x.name === m.name);
    for (const item of v?.secret?.items ?? []) files.set(`${m.mountPath}/${item.path}`, SECRETS[item.key] ?? '');
    // The Temporal client certificate Secret (cert-manager's keys).
    if (v?.secret && !v.secret.items)
      for (const f of ['tls.crt', 'tls.key', 'ca.crt']) files.set(`${m.mountPath}/${f}`, PEM);
    const configMap =
      v?.configMap && objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === v.configMap?.name);
    for (const [key, value] of Object.entries(configMap ? (configMap.data ?? {}) : {}))
      files.set(`${m.mountPath}/${key}`, value);
  }
  return files;
}

/** The environment a container sees, with the sample secrets behind secretKeyRefs. */
function podEnv(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    env[e.name] = ref ? (SECRETS[ref.key] ?? '') : (e.value ?? '');
  }
  return env;
}
