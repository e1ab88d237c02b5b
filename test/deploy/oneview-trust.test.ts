import { type Container, find, render, renderError } from './support/helm';

/** Trusting an appliance's private CA alone (ONEVIEW_CACERT_ONLY, appliances[].caOnly) instead of adding it. */

const workerEnv = (variant: string, values?: object): Record<string, string | undefined> => {
  const c = find(render(variant, values), 'Deployment', '-worker').spec?.template?.spec.containers[0] as Container;
  return Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
};

describe('the OneView CA', () => {
  it('is added to the system roots by default', () => {
    expect(workerEnv('many-appliances-mtls').ONEVIEW_CACERT_ONLY).toBeUndefined();
    expect(workerEnv('cloud-api-key').ONEVIEW_CACERT_ONLY).toBeUndefined();
  });

  it('is trusted alone for the single appliance with oneview.caOnly, from the mounted CA ConfigMap', () => {
    const env = workerEnv('existing-secret-ingress');
    expect([env.ONEVIEW_CACERT, env.ONEVIEW_CACERT_ONLY]).toEqual(['/etc/bridge/ca/oneview-ca.pem', 'true']);
    const ca = find(render('existing-secret-ingress'), 'ConfigMap', '-ca');
    expect(Object.keys(ca.data ?? {})).toEqual(['oneview-ca.pem']);
  });

  it('is trusted alone per appliance with appliances[].caOnly, written into the appliances file', () => {
    const objects = render('many-appliances-mtls', {
      appliances: [
        {
          id: 'synergy-a',
          host: 'ov-a.example.com',
          username: 'monitor',
          passwordFile: '/etc/bridge/secrets/OV_A_PASSWORD',
          routingKeyFile: '/etc/bridge/secrets/PD_KEY_A',
          caFile: '/etc/bridge/ca/ov-a-ca.pem',
          caOnly: true,
        },
        {
          id: 'synergy-b',
          host: 'ov-b.example.com',
          username: 'monitor',
          passwordEnv: 'OV_B_PASSWORD',
          routingKeyEnv: 'PD_KEY_B',
        },
      ],
    });
    const file = JSON.parse(find(objects, 'ConfigMap', '-appliances').data?.['appliances.json'] ?? '{}') as {
      appliances: { id: string; caOnly?: boolean }[];
    };
    expect(file.appliances.map((a) => [a.id, a.caOnly])).toEqual([
      ['synergy-a', true],
      ['synergy-b', undefined],
    ]);
  });

  it.each([
    ['oneview.caOnly without a caFile', { oneview: { host: 'ov', username: 'u', caOnly: true } }, 'oneview.caOnly'],
    [
      'oneview.caOnly with TLS verification off',
      { oneview: { host: 'ov', username: 'u', caOnly: true, caFile: '/etc/bridge/ca/x.pem', sslVerify: false } },
      'oneview.caOnly',
    ],
    [
      'an appliance caOnly without a caFile',
      { appliances: [{ host: 'ov', username: 'u', passwordFile: '/etc/bridge/secrets/P', caOnly: true }] },
      'caOnly trusts only caFile',
    ],
    ['a caOnly that is not a boolean', { oneview: { caOnly: 'yes' } }, 'caOnly'],
  ])('refuses %s', (_what, values, message) => {
    expect(renderError('default', { networkPolicy: { oneView: { cidrs: ['192.0.2.1/32'] } }, ...values })).toContain(
      message
    );
  });
});
