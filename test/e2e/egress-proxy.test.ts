import { inspect } from 'node:util';
import { ErrorCode } from '../../src/activities/errors';
import { OneViewClient } from '../../src/activities/oneview/oneview-client';
import { PagerDutySender } from '../../src/activities/pagerduty/pagerduty-sender';
import { controls } from '../../simulators/control-client';
import { startOneViewSimulator, type OneViewSimulator } from '../../simulators/oneview/server';
import { startPagerDutySimulator, type PagerDutySimulator } from '../../simulators/pagerduty/server';
import { startForwardProxy, type ForwardProxy } from '../support/forward-proxy';
import { bridgeFailure, SIM_CREDENTIALS } from '../support/oneview-fixtures';

// Both clients through a real forward proxy on 127.0.0.1. The simulators listen on 127.0.0.1 too: undici bypasses no
// host by default (not even loopback), only what NO_PROXY lists, so every call here is proxied unless NO_PROXY says so.
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];
const PROXY_USER = 'egress-user-7f3a';
const PROXY_PASSWORD = 'egress-pw-Q9x2Lm';
const ROUTING_KEY = 'R'.repeat(32);

let appliance: OneViewSimulator;
let pagerDuty: PagerDutySimulator;
let proxy: ForwardProxy;
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  [appliance, pagerDuty] = await Promise.all([startOneViewSimulator({ tls: true }), startPagerDutySimulator()]);
});
afterAll(() => Promise.all([appliance.close(), pagerDuty.close()]));
beforeEach(async () => {
  proxy = await startForwardProxy({ credentials: { user: PROXY_USER, password: PROXY_PASSWORD } });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
  await proxy.close();
});

/** The proxy's URL with the right credentials, or with `password`. */
const proxyUrl = (password = PROXY_PASSWORD) => `http://${PROXY_USER}:${password}@127.0.0.1:${proxy.port}`;
const applianceTarget = () => `127.0.0.1:${appliance.port}`;
const pagerDutyTarget = () => new URL(pagerDuty.url).host;

/**
 * Runs `build` with exactly these proxy variables set (whatever the machine has), then puts the environment back:
 * the clients read the variables when they are built, and nothing else in the process sees them.
 */
function withProxyEnv<T extends { close(): Promise<void> }>(variables: Record<string, string>, build: () => T): T {
  const saved = PROXY_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of PROXY_VARIABLES) delete process.env[name];
  Object.assign(process.env, variables);
  try {
    const built = build();
    opened.push(built);
    return built;
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const oneView = (
  variables: Record<string, string>,
  options: Partial<ConstructorParameters<typeof OneViewClient>[0]> = {},
) =>
  withProxyEnv(
    variables,
    () =>
      new OneViewClient({ baseUrl: appliance.url, sslVerify: true, caCertPem: appliance.certificatePem, ...options }),
  );
const sender = (variables: Record<string, string>) =>
  withProxyEnv(variables, () => new PagerDutySender(pagerDuty.eventsUrl));
const resolveEvent = (dedupKey: string) =>
  ({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: dedupKey }) as const;

test('through HTTPS_PROXY the OneView client tunnels to the appliance and still verifies it against the appliance CA', async () => {
  const client = oneView({ HTTPS_PROXY: proxyUrl() });
  expect(await client.negotiateVersion()).toBe(6600);
  expect(await client.login(SIM_CREDENTIALS, 6600)).toMatch(/\S{20,}/);
  expect(proxy.served(applianceTarget())).toBeGreaterThanOrEqual(1);
  expect(proxy.requests.every((r) => r.kind === 'connect' && r.target === applianceTarget())).toBe(true);

  // The CA reaches the TLS inside the tunnel: another CA is refused with the client's usual certificate error.
  const other = await startOneViewSimulator({ tls: true });
  try {
    const tunnelsBefore = proxy.served(applianceTarget());
    const wrongCa = await bridgeFailure(
      oneView({ HTTPS_PROXY: proxyUrl() }, { caCertPem: other.certificatePem }).negotiateVersion(),
    );
    expect(wrongCa.code).toBe(ErrorCode.oneViewCertificate);
    expect(wrongCa.message).toMatch(
      /GET \/rest\/version failed: the appliance's TLS certificate was refused \(.*SELF_SIGNED/,
    );
    expect(proxy.served(applianceTarget())).toBe(tunnelsBefore + 1);
  } finally {
    await other.close();
  }
  // And so does ONEVIEW_SSL_VERIFY=false: without the CA, only turning verification off lets the call through.
  expect(
    (await bridgeFailure(oneView({ HTTPS_PROXY: proxyUrl() }, { caCertPem: undefined }).negotiateVersion())).code,
  ).toBe(ErrorCode.oneViewCertificate);
  expect(
    await oneView({ HTTPS_PROXY: proxyUrl() }, { caCertPem: undefined, sslVerify: false }).negotiateVersion(),
  ).toBe(6600);
});

test('through HTTP_PROXY a PagerDuty send reaches the Events API, tunnelled with CONNECT', async () => {
  const outcome = await sender({ HTTP_PROXY: proxyUrl() }).send(resolveEvent('egress/through-http-proxy'));
  expect(outcome).toEqual({ kind: 'accepted', dedupKey: 'egress/through-http-proxy' });
  // Tunnelled, not forwarded as an absolute URI: a proxy's own 403 can then never pass for PagerDuty refusing the event.
  expect(proxy.requests).toEqual([{ kind: 'connect', target: pagerDutyTarget(), served: true }]);
  const events = await controls(appliance.url, pagerDuty.url).events();
  expect(events.map((e) => e.event.dedup_key)).toContain('egress/through-http-proxy');
});

test('hosts listed in NO_PROXY are reached directly, and the lowercase variables count as well', async () => {
  const variables = { https_proxy: proxyUrl(), http_proxy: proxyUrl(), no_proxy: 'oneview.example.com,127.0.0.1' };
  expect(await oneView(variables).negotiateVersion()).toBe(6600);
  expect(await sender(variables).send(resolveEvent('egress/no-proxy'))).toMatchObject({ kind: 'accepted' });
  expect(proxy.requests).toEqual([]);

  // The same variables without the NO_PROXY entry: both calls go through the proxy.
  const proxied = { https_proxy: proxyUrl(), http_proxy: proxyUrl(), no_proxy: 'oneview.example.com' };
  expect(await oneView(proxied).negotiateVersion()).toBe(6600);
  expect(await sender(proxied).send(resolveEvent('egress/no-proxy'))).toMatchObject({ kind: 'accepted' });
  expect([proxy.served(applianceTarget()), proxy.served(pagerDutyTarget())]).toEqual([1, 1]);
});

test('proxy credentials in the URL authenticate the tunnel, and a refusal names the proxy without repeating them', async () => {
  // Every proxy of this file wants credentials: the right ones open the tunnel, wrong ones get 407.
  expect(await oneView({ HTTPS_PROXY: proxyUrl() }).negotiateVersion()).toBe(6600);
  const wrong = proxyUrl('wrong-pw-Zt81Kd');
  const refused = await bridgeFailure(oneView({ HTTPS_PROXY: wrong }).negotiateVersion());
  expect(refused.code).toBe(ErrorCode.oneViewNetwork);
  expect(refused.message).toBe('GET /rest/version failed: the egress proxy refused the tunnel (407: authentication)');
  const outcome = await sender({ HTTP_PROXY: wrong }).send(resolveEvent('egress/refused'));
  expect(outcome).toEqual({ kind: 'network', reason: 'the egress proxy refused the tunnel (407: authentication)' });
  expect(proxy.requests.map((r) => r.served)).toEqual([true, false, false]);

  // Everything a log line or a Temporal failure could be built from: message, stack, cause chain, own properties.
  for (const text of [inspect(refused, { depth: 10 }), String(refused.stack), JSON.stringify(outcome)]) {
    for (const secret of [PROXY_USER, PROXY_PASSWORD, 'wrong-pw-Zt81Kd', `127.0.0.1:${proxy.port}`]) {
      expect(text).not.toContain(secret);
    }
  }
});

test('a proxy without a scheme is taken as http://, and a malformed one stops the client without repeating it', async () => {
  const bare = `${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`;
  expect(await oneView({ HTTPS_PROXY: bare }).negotiateVersion()).toBe(6600);
  expect(proxy.served(applianceTarget())).toBe(1);

  for (const [value, message] of [
    [`http://${PROXY_USER}:${PROXY_PASSWORD}@[proxy`, /^HTTPS_PROXY is not a URL \(value not shown\)/],
    [`socks5://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:1080`, /^HTTPS_PROXY has scheme 'socks5:', expected http/],
  ] as const) {
    let thrown: unknown;
    try {
      oneView({ HTTPS_PROXY: value });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(message);
    expect(inspect(thrown)).not.toContain(PROXY_PASSWORD);
  }
});
