import { loadConfig } from '../../src/config/load-config';
import { type Manifest, VARIANTS, find, podTemplates, render, renderError, renderNotes } from './support/helm';

/** Payload encryption: on unless switched off twice (payloadEncryption.enabled false + allowPlaintextHistory). */

const PLAINTEXT = { payloadEncryption: { enabled: false, allowPlaintextHistory: true } };
const ONE_APPLIANCE = {
  oneview: { host: 'ov.example.com', username: 'monitor' },
  networkPolicy: { oneView: { cidrs: ['192.0.2.10/32'] } },
};

/** Each long-running container's payload settings: PAYLOAD_ENCRYPTION and the payload keys it mounts. */
function payloadSettings(objects: Manifest[]): Record<string, { mode?: string; keyFile?: string; keys: string[] }> {
  const out: Record<string, { mode?: string; keyFile?: string; keys: string[] }> = {};
  for (const suffix of ['-worker', '-web']) {
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith(suffix));
    if (!deployment) continue;
    const pod = deployment.spec?.template?.spec;
    const env = pod?.containers[0]?.env ?? [];
    out[suffix] = {
      mode: env.find((e) => e.name === 'PAYLOAD_ENCRYPTION')?.value,
      keyFile: env.find((e) => e.name === 'PAYLOAD_ENCRYPTION_KEY_FILE')?.value,
      keys: (pod?.volumes ?? [])
        .flatMap((v) => v.secret?.items?.map((i) => i.key) ?? [])
        .filter((k) => k.startsWith('PAYLOAD')),
    };
  }
  return out;
}

describe.each(VARIANTS)('payload encryption in the %s values', (variant) => {
  it('is on in every worker and web pod: the key file is mounted and PAYLOAD_ENCRYPTION is never off', () => {
    for (const [component, s] of Object.entries(payloadSettings(render(variant)))) {
      expect({ component, mode: s.mode, keyFile: s.keyFile }).toEqual({
        component,
        mode: undefined,
        keyFile: '/etc/bridge/secrets/PAYLOAD_ENCRYPTION_KEY',
      });
      expect(s.keys).toContain('PAYLOAD_ENCRYPTION_KEY');
    }
    // Only the search-attribute Job runs without the key: it writes no payload.
    for (const { owner, pod } of podTemplates(render(variant))) {
      const off = pod.containers.some((c) => c.env?.some((e) => e.name === 'PAYLOAD_ENCRYPTION' && e.value === 'off'));
      expect({ owner, off }).toEqual({ owner, off: owner.endsWith('-search-attributes') });
    }
  });

  it('needs no warning in NOTES.txt', () => {
    expect(renderNotes(variant)).not.toMatch(/PLAINTEXT/);
  });
});

describe('plaintext history', () => {
  it('is refused when only payloadEncryption.enabled is false', () => {
    expect(renderError('default', { payloadEncryption: { enabled: false } })).toContain(
      'payloadEncryption.enabled is false: workflow history (OneView session tokens, alert texts) would be stored in ' +
        'plaintext'
    );
  });

  it.each([
    ['worker', { worker: { extraEnv: [{ name: 'PAYLOAD_ENCRYPTION', value: 'off' }] } }],
    ['web', { web: { extraEnv: [{ name: 'PAYLOAD_ENCRYPTION', value: 'off' }] } }],
    ['worker', { worker: { extraEnv: [{ name: 'PAYLOAD_ENCRYPTION_KEY_FILE', value: '/dev/null' }] } }],
  ])('is refused through %s.extraEnv, even with allowPlaintextHistory', (where, values) => {
    expect(renderError('default', { ...PLAINTEXT, ...values })).toContain(`${where}.extraEnv sets PAYLOAD_ENCRYPTION`);
  });

  it('is refused with key rotation, which would then read no key', () => {
    expect(renderError('default', { ...PLAINTEXT, secrets: { previousEncryptionKeys: true } })).toContain(
      'secrets.previousEncryptionKeys needs payloadEncryption.enabled'
    );
  });

  it('is accepted with allowPlaintextHistory: PAYLOAD_ENCRYPTION=off and no payload key in the worker and web pods', () => {
    expect(payloadSettings(render('default', PLAINTEXT))).toEqual({
      '-worker': { mode: 'off', keyFile: undefined, keys: [] },
      '-web': { mode: 'off', keyFile: undefined, keys: [] },
    });
  });

  it('is accepted by the worker process with the env the chart renders', () => {
    const worker = find(render('default', { ...PLAINTEXT, ...ONE_APPLIANCE }), 'Deployment', '-worker');
    const container = worker.spec?.template?.spec.containers[0];
    const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value ?? '']));
    const files: Record<string, string> = {
      '/etc/bridge/secrets/ONEVIEW_PASSWORD': 'ov-password-Hx81!',
      '/etc/bridge/secrets/PAGERDUTY_ROUTING_KEY': 'R0UT1NGKEYdefault000000000000001',
    };
    const config = loadConfig(env, (path) => {
      const content = files[path];
      if (content === undefined) throw Object.assign(new Error(`no such file ${path}`), { code: 'ENOENT' });
      return content;
    });
    expect(config.temporal.encryption).toEqual({});
  });

  it('no longer asks the ExternalSecret for a payload key', () => {
    const objects = render('external-secret-httpproxy', {
      ...PLAINTEXT,
      secrets: {
        externalSecret: {
          data: ['WEBHOOK_TOKEN', 'PAGERDUTY_ROUTING_KEY', 'OV_A_PASSWORD', 'OV_B_PASSWORD'].map((k) => ({
            secretKey: k,
            remoteRef: { key: `secret/${k}` },
          })),
        },
      },
    });
    expect(find(objects, 'ExternalSecret', '').spec?.data?.map((d) => d.secretKey)).not.toContain('PAYLOAD_ENCRYPTION_KEY');
  });

  it('is announced loudly in NOTES.txt at every install and upgrade', () => {
    expect(renderNotes('default', PLAINTEXT)).toMatch(
      /WARNING: PAYLOAD ENCRYPTION IS OFF[\s\S]*PLAINTEXT: OneView session tokens/
    );
  });
});
