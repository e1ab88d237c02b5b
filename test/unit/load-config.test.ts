import { generate } from 'selfsigned';
import { ConfigError } from '../../src/config/config-error';
import { toBaseUrl } from '../../src/config/appliance-fields';
import { loadConfig } from '../../src/config/load-config';

const VALID = {
  ONEVIEW_HOST: 'oneview.example.com',
  ONEVIEW_USERNAME: 'monitor',
  ONEVIEW_PASSWORD: 's3cret-pass',
  PAGERDUTY_ROUTING_KEY: 'abcdefghijklmnopqrstuvwxyz012345',
  PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

let CA_PEM = '';
let KEY_PEM = '';
beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'Appliance CA' }], { keyType: 'ec', algorithm: 'sha256' });
  CA_PEM = `${pems.cert.trim()}\n`;
  KEY_PEM = pems.private;
});

/** Files the loader may read in these tests; any other path is missing. */
const files = (): Record<string, string> => ({
  '/etc/bridge/ca.pem': CA_PEM,
  '/etc/bridge/ca-and-key.pem': `${KEY_PEM}${CA_PEM}`,
  '/etc/bridge/two-ca.pem': `${CA_PEM}-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n`,
  '/etc/bridge/empty.pem': '\n',
});

function readTestFile(path: string): string {
  const text = files()[path];
  if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  return text;
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, readTestFile);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

test('a minimal environment gives the documented defaults', () => {
  const config = loadConfig(VALID);
  expect(config.temporal).toMatchObject({
    address: 'localhost:7233',
    namespace: 'default',
    taskQueue: 'oneview-pagerduty-bridge',
  });
  expect(config.temporal.encryption.key).toEqual(Buffer.alloc(32, 7));
  expect(config.appliances).toHaveLength(1);
  expect(config.appliances[0]).toMatchObject({
    id: 'oneview.example.com',
    baseUrl: 'https://oneview.example.com',
    severities: ['Critical'],
    pollIntervalSeconds: 180,
    sslVerify: true,
  });
  expect(config.pagerDuty.eventsUrl).toBe('https://events.pagerduty.com/v2/enqueue');
  expect(config.session).toEqual({ lifetimeMs: 22 * 3_600_000, renewBeforeMs: 3_600_000 });
  expect(Object.isFrozen(config.appliances[0])).toBe(true);
});

test('every problem is listed at once', () => {
  const problems = problemsOf({
    ONEVIEW_HOST: 'ftp://nope/path',
    POLL_INTERVAL: 'soon',
    ONEVIEW_SSL_VERIFY: 'maybe',
    PAGERDUTY_ROUTING_KEY: 'short',
    LOG_LEVEL: 'chatty',
    ONEVIEW_CACERT: '/missing/ca.pem',
  });
  expect(problems).toEqual(
    expect.arrayContaining([
      "ONEVIEW_HOST must be a host name, host:port or http(s) URL without a path, got 'ftp://nope/…'",
      'ONEVIEW_USERNAME is required',
      'ONEVIEW_PASSWORD (or ONEVIEW_PASSWORD_FILE) is required',
      "POLL_INTERVAL must be a whole number from 1 to 86400, got 'soon'",
      "ONEVIEW_SSL_VERIFY must be true or false, got 'maybe'",
      'PAGERDUTY_ROUTING_KEY must be a 32-character Events API v2 integration key (letters and digits)',
      "LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, got 'chatty'",
      'ONEVIEW_CACERT (/missing/ca.pem) cannot be read: ENOENT',
      'PAYLOAD_ENCRYPTION_KEY (or PAYLOAD_ENCRYPTION_KEY_FILE) is required',
    ]),
  );
  expect(problems).toHaveLength(9);
});

test('a secret is never echoed in a problem', () => {
  const problems = problemsOf({ ...VALID, PAGERDUTY_ROUTING_KEY: 'not-a-key-but-maybe-secret' });
  expect(problems.join('\n')).not.toContain('not-a-key-but-maybe-secret');
});

test('secrets can come from files, but not from both a variable and a file', () => {
  const files: Record<string, string> = { '/run/secrets/pw': 'from-file\n' };
  const config = loadConfig(
    { ...VALID, ONEVIEW_PASSWORD: '', ONEVIEW_PASSWORD_FILE: '/run/secrets/pw' },
    (p) => files[p] ?? '',
  );
  expect(config.appliances[0]?.password).toBe('from-file');
  expect(problemsOf({ ...VALID, ONEVIEW_PASSWORD_FILE: '/run/secrets/pw' })).toContain(
    'set only one of ONEVIEW_PASSWORD and ONEVIEW_PASSWORD_FILE',
  );
});

test('severities are matched case-insensitively and unknown ones are refused', () => {
  expect(loadConfig({ ...VALID, ONEVIEW_SEVERITIES: 'critical, WARNING' }).appliances[0]?.severities).toEqual([
    'Critical',
    'Warning',
  ]);
  expect(problemsOf({ ...VALID, ONEVIEW_SEVERITIES: 'Critical,Loud' })[0]).toMatch(
    /ONEVIEW_SEVERITIES must list some of/,
  );
});

test.each([
  ['oneview.example.com', 'https://oneview.example.com'],
  ['10.0.0.5:8443', 'https://10.0.0.5:8443'],
  ['http://127.0.0.1:9000', 'http://127.0.0.1:9000'],
  ['https://ov.example.com/', 'https://ov.example.com'],
  ['https://ov.example.com/some/path', undefined],
  ['ftp://ov.example.com', undefined],
])('toBaseUrl(%s) is %s', (host, expected) => {
  expect(toBaseUrl(host)).toBe(expected);
});

test('running without payload encryption must be chosen explicitly', () => {
  const { PAYLOAD_ENCRYPTION_KEY: _key, ...withoutKey } = VALID;
  expect(problemsOf(withoutKey)).toEqual(['PAYLOAD_ENCRYPTION_KEY (or PAYLOAD_ENCRYPTION_KEY_FILE) is required']);
  expect(loadConfig({ ...withoutKey, PAYLOAD_ENCRYPTION: 'off' }).temporal.encryption).toEqual({});
  expect(problemsOf({ ...VALID, PAYLOAD_ENCRYPTION_KEY: 'dG9vIHNob3J0' })).toEqual([
    'PAYLOAD_ENCRYPTION_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)',
  ]);
});

test('a task queue that could not stand between quotes in a visibility query is refused at start, not stripped', () => {
  expect(loadConfig({ ...VALID, TEMPORAL_TASK_QUEUE: 'bridge.prod:eu-1' }).temporal.taskQueue).toBe('bridge.prod:eu-1');
  for (const taskQueue of ["bridge' OR '1'='1", 'bridge\\', 'two words', 'line\u2028break']) {
    expect(problemsOf({ ...VALID, TEMPORAL_TASK_QUEUE: taskQueue })).toEqual([
      'TEMPORAL_TASK_QUEUE must be 1-1000 characters without quotes, backslashes, spaces or control characters',
    ]);
  }
});

test('the workflow cache size is the SDK default unless set, and a size the SDK would refuse is a problem', () => {
  expect(loadConfig(VALID).maxCachedWorkflows).toBeUndefined();
  expect(loadConfig({ ...VALID, WORKER_MAX_CACHED_WORKFLOWS: '600' }).maxCachedWorkflows).toBe(600);
  expect(loadConfig({ ...VALID, WORKER_MAX_CACHED_WORKFLOWS: '0' }).maxCachedWorkflows).toBe(0);
  expect(problemsOf({ ...VALID, WORKER_MAX_CACHED_WORKFLOWS: '1' })).toEqual([
    'WORKER_MAX_CACHED_WORKFLOWS must be 0 (no cache) or at least 2, got 1',
  ]);
  expect(problemsOf({ ...VALID, WORKER_MAX_CACHED_WORKFLOWS: 'lots' })).toEqual([
    "WORKER_MAX_CACHED_WORKFLOWS must be a whole number from 0 to 1000000, got 'lots'",
  ]);
});

test('ONEVIEW_CACERT adds a CA to the default ones unless ONEVIEW_CACERT_ONLY, and only its certificates go on', () => {
  expect(loadConfig({ ...VALID, ONEVIEW_CACERT: '/etc/bridge/ca.pem' }, readTestFile).appliances[0]).toMatchObject({
    caCertPem: CA_PEM,
    caOnly: false,
  });
  expect(
    loadConfig({ ...VALID, ONEVIEW_CACERT: '/etc/bridge/ca.pem', ONEVIEW_CACERT_ONLY: 'true' }, readTestFile)
      .appliances[0],
  ).toMatchObject({
    caCertPem: CA_PEM,
    caOnly: true,
  });
  const withKey = loadConfig({ ...VALID, ONEVIEW_CACERT: '/etc/bridge/ca-and-key.pem' }, readTestFile).appliances[0]
    ?.caCertPem;
  expect(withKey).toBe(CA_PEM);
  expect(withKey).not.toContain('PRIVATE KEY');
});

test('ONEVIEW_CACERT must hold parsable PEM certificates, and ONEVIEW_CACERT_ONLY needs it; listed with the other problems', () => {
  expect(problemsOf({ ...VALID, ONEVIEW_CACERT: '/etc/bridge/empty.pem', POLL_INTERVAL: 'soon' })).toEqual([
    "POLL_INTERVAL must be a whole number from 1 to 86400, got 'soon'",
    'ONEVIEW_CACERT (/etc/bridge/empty.pem) holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
  ]);
  expect(problemsOf({ ...VALID, ONEVIEW_CACERT: '/etc/bridge/two-ca.pem' })).toEqual([
    'ONEVIEW_CACERT (/etc/bridge/two-ca.pem): certificate 2 of 2 does not parse',
  ]);
  expect(problemsOf({ ...VALID, ONEVIEW_CACERT_ONLY: 'yes' })).toEqual([
    'ONEVIEW_CACERT_ONLY needs ONEVIEW_CACERT (the CA to trust instead of the default ones)',
  ]);
});

test('previous payload keys are id:key or key alone, and their ids must be valid and unique', () => {
  const keyA = Buffer.alloc(32, 1).toString('base64');
  const keyB = Buffer.alloc(32, 2).toString('base64');
  const current = VALID.PAYLOAD_ENCRYPTION_KEY;
  const config = loadConfig({ ...VALID, PAYLOAD_ENCRYPTION_PREVIOUS_KEYS: ` k-2026:${keyA} , ${keyB}` });
  expect(config.temporal.encryption.previousKeys).toEqual([
    { id: 'k-2026', key: Buffer.alloc(32, 1) },
    { key: Buffer.alloc(32, 2) },
  ]);

  const problems = problemsOf({
    ...VALID,
    PAYLOAD_ENCRYPTION_KEY_ID: 'k-2027',
    PAYLOAD_ENCRYPTION_PREVIOUS_KEYS: [
      `k 2026:${keyA}`,
      'k-2025:dG9vIHNob3J0',
      `k-2027:${keyA}`,
      `old:${keyA}`,
      `old:${keyB}`,
      current,
    ].join(','),
  });
  expect(problems).toEqual([
    "PAYLOAD_ENCRYPTION_PREVIOUS_KEYS entry 1 must name its key with 1-64 letters, digits, dots, dashes or underscores before the ':'",
    'PAYLOAD_ENCRYPTION_PREVIOUS_KEYS entry 2 must be a 32-byte base64 key, optionally after its id (id:key)',
    "PAYLOAD_ENCRYPTION_PREVIOUS_KEYS entry 3 has the key id 'k-2027', already used by PAYLOAD_ENCRYPTION_KEY: a payload names its key by id alone",
    "PAYLOAD_ENCRYPTION_PREVIOUS_KEYS entry 5 has the key id 'old', already used by entry 4: a payload names its key by id alone",
  ]);
  // The current key listed again under its own derived id is a duplicate too; under another id it is not.
  expect(problemsOf({ ...VALID, PAYLOAD_ENCRYPTION_PREVIOUS_KEYS: current })).toEqual([
    expect.stringMatching(
      /^PAYLOAD_ENCRYPTION_PREVIOUS_KEYS entry 1 has the key id '[0-9a-f]{8}', already used by PAYLOAD_ENCRYPTION_KEY/,
    ),
  ]);
  expect(problemsOf({ ...VALID, PAYLOAD_ENCRYPTION_PREVIOUS_KEYS: `legacy:${current}` })).toEqual([]);
  for (const secret of [keyA, keyB, current]) expect(problems.join('\n')).not.toContain(secret);
});

describe('no problem repeats a credential', () => {
  /** Loads, expecting a ConfigError, and returns its problems after checking neither they nor the message hold `secret`. */
  function problemsWithout(secret: string, env: Record<string, string>): string[] {
    let error: unknown;
    try {
      loadConfig(env, readTestFile);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, problems } = error as ConfigError;
    expect(message).not.toContain(secret);
    expect(problems.join('\n')).not.toContain(secret);
    return problems;
  }

  test('ONEVIEW_HOST with a user name or password is a problem of its own, without the value', () => {
    for (const host of [
      'https://admin:pw-in-url-7@ov.example.com',
      'admin:pw-in-url-7@ov.example.com:8443',
      'http://admin:pw-in-url-7@10.0.0.5/x',
    ]) {
      expect(problemsWithout('pw-in-url-7', { ...VALID, ONEVIEW_HOST: host })).toEqual([
        'ONEVIEW_HOST must not contain a user name or password; use ONEVIEW_USERNAME and ONEVIEW_PASSWORD',
      ]);
    }
    expect(problemsWithout('admin', { ...VALID, ONEVIEW_HOST: 'https://admin@ov.example.com' })).toHaveLength(1);
  });

  test('a malformed ONEVIEW_HOST or PAGERDUTY_EVENTS_URL shows scheme and host only', () => {
    expect(
      problemsWithout('tok-in-query-7', { ...VALID, ONEVIEW_HOST: 'https://ov.example.com/rest?token=tok-in-query-7' }),
    ).toEqual([
      "ONEVIEW_HOST must be a host name, host:port or http(s) URL without a path, got 'https://ov.example.com/…'",
    ]);
    expect(
      problemsWithout('tok-in-query-7', { ...VALID, ONEVIEW_HOST: 'https://ov example.com/?token=tok-in-query-7' }),
    ).toEqual([
      'ONEVIEW_HOST must be a host name, host:port or http(s) URL without a path, got a value that is not a URL (not shown)',
    ]);
    expect(
      problemsWithout('pd-secret-7', {
        ...VALID,
        PAGERDUTY_EVENTS_URL: 'ftp://u:pd-secret-7@events.example.com/v2/enqueue?key=pd-secret-7',
      }),
    ).toEqual(["PAGERDUTY_EVENTS_URL must be an http(s) URL, got 'ftp://events.example.com/…'"]);
    expect(
      problemsWithout('pd-secret-7', {
        ...VALID,
        PAGERDUTY_EVENTS_URL: 'https://proxy:pd-secret-7@events.example.com/v2/enqueue',
      }),
    ).toEqual(['PAGERDUTY_EVENTS_URL must not contain a user name or password']);
    // The egress proxy is checked at start too; its value (often with a password) is never shown.
    expect(
      problemsWithout('proxy-secret-7', { ...VALID, HTTPS_PROXY: 'socks5://u:proxy-secret-7@proxy.example.com:1080' }),
    ).toEqual(["HTTPS_PROXY has scheme 'socks5:', expected http:// or https:// (value not shown)"]);
  });

  test('a secret written where its file path or a neighbouring setting belongs is not printed', () => {
    const key = VALID.PAYLOAD_ENCRYPTION_KEY;
    expect(
      problemsWithout('pw-as-path-7', { ...VALID, ONEVIEW_PASSWORD: '', ONEVIEW_PASSWORD_FILE: 'pw-as-path-7' }),
    ).toEqual(['ONEVIEW_PASSWORD_FILE cannot be read: ENOENT']);
    expect(problemsWithout(key, { ...VALID, PAYLOAD_ENCRYPTION_KEY: '', PAYLOAD_ENCRYPTION_KEY_FILE: key })).toEqual([
      'PAYLOAD_ENCRYPTION_KEY_FILE cannot be read: ENOENT',
    ]);
    expect(problemsWithout(key, { ...VALID, PAYLOAD_ENCRYPTION: key })).toEqual([
      'PAYLOAD_ENCRYPTION must be one of on, off',
    ]);
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    expect(
      problemsWithout('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', {
        ...VALID,
        TEMPORAL_TLS_CERT_FILE: '/etc/bridge/ca.pem',
        TEMPORAL_TLS_KEY_FILE: pem,
      }),
    ).toEqual(['TEMPORAL_TLS_KEY_FILE cannot be read: ENOENT']);
  });

  test('secrets in PAYLOAD_ENCRYPTION_PREVIOUS_KEYS and a wrong routing key stay unprinted', () => {
    const problems = problemsWithout('c2VjcmV0LWJ1dC1zaG9ydA', {
      ...VALID,
      PAGERDUTY_ROUTING_KEY: 'c2VjcmV0LWJ1dC1zaG9ydA',
      PAYLOAD_ENCRYPTION_PREVIOUS_KEYS: 'c2VjcmV0LWJ1dC1zaG9ydA,c2VjcmV0LWJ1dC1zaG9ydA:x',
    });
    expect(problems).toHaveLength(3);
  });
});

test("ONEVIEW_SCMB turns the single appliance's message bus on, with ONEVIEW_SCMB_PORT and ONEVIEW_SCMB_POLL_INTERVAL", () => {
  expect(loadConfig(VALID).appliances[0]!.scmb).toBeUndefined();
  expect(loadConfig({ ...VALID, ONEVIEW_SCMB: 'true' }).appliances[0]!.scmb).toEqual({
    port: 5671,
    pollIntervalSeconds: 900,
  });
  expect(
    loadConfig({ ...VALID, ONEVIEW_SCMB: 'true', ONEVIEW_SCMB_PORT: '15671', ONEVIEW_SCMB_POLL_INTERVAL: '300' })
      .appliances[0]!.scmb,
  ).toEqual({ port: 15671, pollIntervalSeconds: 300 });
});

test("BLIND_AFTER_MINUTES (default 10, 0 off) and PAGERDUTY_BLIND_ROUTING_KEY set the appliances' own incidents; a wrong key is a problem, unprinted", () => {
  expect(loadConfig(VALID).blindAfterMs).toBe(10 * 60_000);
  expect(loadConfig(VALID).pagerDuty.blindRoutingKey).toBeUndefined();
  const set = loadConfig({
    ...VALID,
    BLIND_AFTER_MINUTES: '0',
    PAGERDUTY_BLIND_ROUTING_KEY: 'zyxwvutsrqponmlkjihgfedcba543210',
  });
  expect(set.blindAfterMs).toBe(0);
  expect(set.pagerDuty.blindRoutingKey).toBe('zyxwvutsrqponmlkjihgfedcba543210');
  const problems = problemsOf({
    ...VALID,
    BLIND_AFTER_MINUTES: '-1',
    PAGERDUTY_BLIND_ROUTING_KEY: 'not-a-key-but-secret',
  });
  expect(problems).toHaveLength(2);
  expect(problems.join('\n')).toContain('BLIND_AFTER_MINUTES');
  expect(problems.join('\n')).toContain('PAGERDUTY_BLIND_ROUTING_KEY must be a 32-character');
  expect(problems.join('\n')).not.toContain('not-a-key-but-secret');
});
