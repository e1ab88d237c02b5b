import { type Container, find, render, renderError } from './support/helm';

/** Routing rules and storm control in the chart: rendered into the config ConfigMap, their keys mounted from the Secret. */

const worker = (variant: string, values?: object) => {
  const objects = render(variant, values);
  const deployment = find(objects, 'Deployment', '-worker');
  const container = deployment.spec?.template?.spec.containers[0] as Container;
  return { objects, deployment, env: Object.fromEntries((container.env ?? []).map((e) => [e.name, e])) };
};

describe('routes', () => {
  it('are written into the config ConfigMap as ROUTES_FILE, with their file keys mounted and env keys read from the Secret', () => {
    const { objects, deployment, env } = worker('many-appliances-mtls');
    expect(env.ROUTES_FILE?.value).toBe('/etc/bridge/config/routes.json');
    const config = find(objects, 'ConfigMap', '-appliances');
    const routes = JSON.parse(config.data?.['routes.json'] ?? '{}') as {
      routes: { name: string }[];
      windows: { name: string }[];
    };
    expect(routes.routes.map((r) => r.name)).toEqual(['firmware-noise', 'facilities', 'synergy-b-blades']);
    expect(routes.windows.map((w) => w.name)).toEqual(['encl2-patching', 'rack-move']);
    const mounted = deployment.spec?.template?.spec.volumes?.flatMap((v) => v.secret?.items?.map((i) => i.key) ?? []);
    expect(mounted).toContain('PD_KEY_FACILITIES');
    expect(env.PD_KEY_B?.valueFrom?.secretKeyRef?.key).toBe('PD_KEY_B');
    expect([env.STORM_WINDOW_SECONDS?.value, env.STORM_GROUP_WAIT_SECONDS?.value]).toEqual(['600', '15']);
  });

  it('are absent by default (every alert pages its appliance key), and storm control is on with no group wait', () => {
    const { env } = worker('cloud-api-key');
    expect(env.ROUTES_FILE).toBeUndefined();
    expect([env.STORM_WINDOW_SECONDS?.value, env.STORM_GROUP_WAIT_SECONDS?.value]).toEqual(['300', '0']);
  });

  it('alone (one appliance from oneview.*) still mount the config ConfigMap', () => {
    const { objects, env } = worker('cloud-api-key', { routes: [{ name: 'all', match: {} }] });
    expect(env.ROUTES_FILE?.value).toBe('/etc/bridge/config/routes.json');
    expect(Object.keys(find(objects, 'ConfigMap', '-appliances').data ?? {})).toEqual(['routes.json']);
  });

  it.each([
    [
      'a key file outside the Secret mount',
      { routes: [{ name: 'r', routingKeyFile: '/etc/other/KEY' }] },
      'routes[0] (r): /etc/other/KEY is not under secrets.mountPath',
    ],
    [
      'a name used twice',
      { routes: [{ name: 'r' }, { name: 'r', drop: true }] },
      'routes[1].name "r" is used twice',
    ],
    ['the reserved name', { routes: [{ name: 'default' }] }, "'/routes/0/name'"],
    ['an unknown match field', { routes: [{ name: 'r', match: { colour: 'red' } }] }, 'colour'],
    ['a routing key written inline', { routes: [{ name: 'r', routingKey: 'R0UT1NGKEY' }] }, 'routingKey'],
  ])('refuse %s at render time', (_, values, message) => {
    expect(renderError('cloud-api-key', values)).toContain(message);
  });
});
