import { generate } from 'selfsigned';
import { ConfigError } from '../../src/config/config-error';
import { loadConfig } from '../../src/config/load-config';

const KEY = Buffer.alloc(32, 1).toString('base64');
const ROUTING_A = 'A'.repeat(32);
const ROUTING_DEFAULT = 'D'.repeat(32);
let CA_PEM = '';
beforeAll(async () => {
  CA_PEM = `${(await generate([{ name: 'commonName', value: 'OV-B CA' }], { keyType: 'ec', algorithm: 'sha256' })).cert.trim()}\n`;
});

function load(file: unknown, env: Record<string, string> = {}) {
  const files: Record<string, string> = {
    '/etc/bridge/appliances.json': typeof file === 'string' ? file : JSON.stringify(file),
    '/run/secrets/ov-b': 'b-password\n',
    '/etc/bridge/ov-b-ca.pem': CA_PEM,
    '/etc/bridge/not-a-ca.pem': 'this is the password, not a certificate\n',
    '/etc/bridge/broken-ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  };
  return loadConfig(
    {
      APPLIANCES_FILE: '/etc/bridge/appliances.json',
      PAYLOAD_ENCRYPTION_KEY: KEY,
      OV_A_PASSWORD: 'a-password',
      PD_A: ROUTING_A,
      ...env,
    },
    (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
  );
}

function problems(file: unknown, env: Record<string, string> = {}): string[] {
  try {
    load(file, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

test('every appliance of the file is configured, with secrets from env vars or files and defaults from the environment', () => {
  const config = load(
    [
      {
        id: 'synergy-a',
        host: 'ov-a.example.com',
        username: 'monitor',
        passwordEnv: 'OV_A_PASSWORD',
        routingKeyEnv: 'PD_A',
        severities: ['critical', 'Warning'],
      },
      {
        host: '10.1.2.3:8443',
        username: 'monitor',
        passwordFile: '/run/secrets/ov-b',
        caFile: '/etc/bridge/ov-b-ca.pem',
        pollIntervalSeconds: 60,
        loginDomain: 'corp',
      },
    ],
    { PAGERDUTY_ROUTING_KEY: ROUTING_DEFAULT, POLL_INTERVAL: '120' },
  );
  expect(config.appliances).toEqual([
    expect.objectContaining({
      id: 'synergy-a',
      baseUrl: 'https://ov-a.example.com',
      password: 'a-password',
      routingKey: ROUTING_A,
      severities: ['Critical', 'Warning'],
      pollIntervalSeconds: 120,
    }),
    expect.objectContaining({
      id: '10.1.2.3-8443',
      password: 'b-password',
      routingKey: ROUTING_DEFAULT,
      severities: ['Critical'],
      pollIntervalSeconds: 60,
      loginDomain: 'corp',
    }),
  ]);
  expect(config.appliances[1]?.caCertPem).toBe(CA_PEM);
  expect(config.appliances.map((a) => a.caOnly)).toEqual([false, false]);
});

test("caOnly trusts only the appliance's caFile, needs one, and every caFile must hold parsable certificates", () => {
  const entry = { host: 'ov.example.com', username: 'u', passwordEnv: 'OV_A_PASSWORD', routingKeyEnv: 'PD_A' };
  const only = load([{ ...entry, caFile: '/etc/bridge/ov-b-ca.pem', caOnly: true }]);
  expect(only.appliances[0]).toMatchObject({ caCertPem: CA_PEM, caOnly: true });
  expect(
    problems([
      { ...entry, id: 'a', caOnly: true },
      { ...entry, id: 'b', caFile: '/etc/bridge/ov-b-ca.pem', caOnly: 'yes' },
      { ...entry, id: 'c', caFile: '/etc/bridge/not-a-ca.pem' },
      { ...entry, id: 'd', caFile: '/etc/bridge/broken-ca.pem', caOnly: true },
    ]),
  ).toEqual([
    'appliances[0].caOnly needs caFile (the CA to trust instead of the default ones)',
    'appliances[1].caOnly must be true or false',
    'appliances[2].caFile (/etc/bridge/not-a-ca.pem) holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
    'appliances[3].caFile (/etc/bridge/broken-ca.pem): certificate 1 of 1 does not parse',
  ]);
  // Like ONEVIEW_CACERT, the environment's switch belongs to the single appliance: silently ignoring it would be worse.
  expect(problems([{ ...entry, caFile: '/etc/bridge/ov-b-ca.pem' }], { ONEVIEW_CACERT_ONLY: 'true' })).toEqual([
    'ONEVIEW_CACERT_ONLY does not apply to APPLIANCES_FILE entries: set caFile and caOnly on each',
  ]);
});

test('problems in the file are all listed with their path', () => {
  expect(
    problems([
      { id: 'Bad_ID', host: 'ftp://x', passwordEnv: 'NOT_SET', severities: ['Loud'], colour: 'red' },
      {
        id: 'dup',
        host: 'ov.example.com',
        username: 'u',
        passwordEnv: 'OV_A_PASSWORD',
        passwordFile: '/run/secrets/ov-b',
        routingKeyEnv: 'PD_A',
      },
      {
        id: 'dup',
        host: 'ov2.example.com',
        username: 'u',
        passwordEnv: 'OV_A_PASSWORD',
        routingKeyEnv: 'PD_A',
        pollIntervalSeconds: 0,
      },
    ]),
  ).toEqual([
    'appliances[0].colour is not a known field',
    'appliances[0].passwordEnv names an environment variable that is not set',
    'appliances[0] needs routingKeyEnv or routingKeyFile (or PAGERDUTY_ROUTING_KEY for all appliances)',
    'appliances[0].username is required',
    "appliances[0].host must be a host name, host:port or http(s) URL without a path, got 'ftp://x'",
    "appliances[0].id must be 1-63 lower-case letters, digits, dots or dashes, got 'Bad_ID'",
    "appliances[0].severities must list some of Critical, Warning, OK, Unknown, Disabled, got 'Loud'",
    'appliances[1]: set only one of passwordEnv and passwordFile',
    'appliances[2].pollIntervalSeconds must be a whole number from 1 to 86400',
    "appliances[2].id 'dup' is used twice",
  ]);
});

test('the file and the single-appliance variables cannot both be set, and the file must be JSON', () => {
  expect(
    problems([{ host: 'a', username: 'u', passwordEnv: 'OV_A_PASSWORD', routingKeyEnv: 'PD_A' }], {
      ONEVIEW_HOST: 'b',
    }),
  ).toEqual(['set either APPLIANCES_FILE or ONEVIEW_HOST, not both']);
  expect(problems('{ not json')[0]).toMatch(/^APPLIANCES_FILE \(\/etc\/bridge\/appliances.json\) is not valid JSON/);
  expect(problems([])).toEqual([
    'APPLIANCES_FILE (/etc/bridge/appliances.json) must hold a non-empty array of appliances (or {"appliances": [...]})',
  ]);
});

test('no problem about the file repeats a credential: in a host, in a reference, or in broken JSON', () => {
  const secret = 'hunter2-in-the-wrong-place';
  const found = (file: unknown) => {
    const list = problems(file);
    expect(list.join('\n')).not.toContain(secret);
    return list;
  };
  const entry = { host: 'ov.example.com', username: 'u', routingKeyEnv: 'PD_A' };
  expect(
    found([
      { ...entry, id: 'a', host: `https://monitor:${secret}@ov.example.com`, passwordEnv: 'OV_A_PASSWORD' },
      { ...entry, id: 'b', passwordEnv: secret },
      { ...entry, id: 'c', passwordFile: secret },
      {
        ...entry,
        id: 'd',
        passwordFile: '/etc/bridge/empty',
        routingKeyEnv: undefined,
        routingKeyFile: `/run/${secret}`,
      },
    ]),
  ).toEqual([
    'appliances[0].host must not contain a user name or password; use username and passwordEnv or passwordFile',
    'appliances[1].passwordEnv names an environment variable that is not set',
    'appliances[2].passwordFile cannot be read: ENOENT',
    'appliances[3].passwordFile cannot be read: ENOENT',
    'appliances[3].routingKeyFile cannot be read: ENOENT',
  ]);
  // V8's own message would quote the text around the error, here the password written in place of a reference.
  expect(found(`[{ "host": "ov.example.com", "password": ${secret} }]`)).toEqual([
    'APPLIANCES_FILE (/etc/bridge/appliances.json) is not valid JSON',
  ]);
  expect(found(`[{ "password": "${secret}" "host": "x" }]`)).toEqual([
    'APPLIANCES_FILE (/etc/bridge/appliances.json) is not valid JSON (line 1, column 45)',
  ]);
});

test('scmb: true turns the message bus on with the environment defaults; its own port and interval override them', () => {
  const entry = { host: 'ov-a.example.com', username: 'monitor', passwordEnv: 'OV_A_PASSWORD', routingKeyEnv: 'PD_A' };
  const config = load(
    [
      { ...entry, id: 'a', scmb: true },
      { ...entry, id: 'b', scmb: true, scmbPort: 15671, scmbPollIntervalSeconds: 600 },
      { ...entry, id: 'c' },
    ],
    { ONEVIEW_SCMB_POLL_INTERVAL: '1200' },
  );
  expect(config.appliances.map((a) => a.scmb)).toEqual([
    { port: 5671, pollIntervalSeconds: 1200 },
    { port: 15671, pollIntervalSeconds: 600 },
    undefined,
  ]);
  expect(
    problems([
      { ...entry, id: 'd', scmb: 'yes' },
      { ...entry, id: 'e', scmb: true, scmbPort: 0 },
      { ...entry, id: 'f', scmbPollIntervalSeconds: 60 },
    ]),
  ).toEqual([
    'appliances[0].scmb must be true or false',
    'appliances[1].scmbPort must be a whole number from 1 to 65535',
    'appliances[2]: scmbPort and scmbPollIntervalSeconds need "scmb": true',
  ]);
  // The single appliance's switch is refused beside a file: an operator setting it would believe every entry listens.
  expect(problems([{ ...entry, id: 'g' }], { ONEVIEW_SCMB: 'true' })).toEqual([
    'ONEVIEW_SCMB does not apply to APPLIANCES_FILE entries: set "scmb": true on each',
  ]);
});
