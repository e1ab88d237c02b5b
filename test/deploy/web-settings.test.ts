import { type Container, type Manifest, find, render, renderError } from './support/helm';

/** The web process's settings added for issue 13: operator token, codec authentication, trusted proxies. */

const container = (objects: Manifest[], suffix: string): Container =>
  find(objects, 'Deployment', suffix).spec?.template?.spec.containers[0] as Container;
const env = (c: Container): Record<string, string | undefined> =>
  Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
const secretKeys = (objects: Manifest[], suffix: string): string[] =>
  find(objects, 'Deployment', suffix).spec?.template?.spec.volumes?.flatMap(
    (v) => v.secret?.items?.map((i) => i.key) ?? []
  ) ?? [];

const NEW_WEB_ENV = [
  'OPERATOR_TOKEN_FILE',
  'CODEC_AUTH_TOKEN_FILE',
  'CODEC_JWT_JWKS_URL',
  'CODEC_JWT_ISSUER',
  'CODEC_JWT_AUDIENCE',
  'WEB_TRUSTED_PROXIES',
];

describe('the web settings by default', () => {
  const objects = render();

  it('leave the operator endpoints and the codec off: no token file, no JWT settings, no trusted proxy', () => {
    const names = Object.keys(env(container(objects, '-web')));
    expect(names.filter((n) => NEW_WEB_ENV.includes(n))).toEqual([]);
    expect(secretKeys(objects, '-web')).not.toEqual(expect.arrayContaining(['OPERATOR_TOKEN']));
    expect(secretKeys(objects, '-web')).not.toEqual(expect.arrayContaining(['CODEC_AUTH_TOKEN']));
  });
});

describe('the web settings of the everything values', () => {
  const objects = render('everything');
  const web = env(container(objects, '-web'));

  it('read the operator and codec tokens as files of the mounted Secret, like the webhook token', () => {
    expect(web.OPERATOR_TOKEN_FILE).toBe('/etc/bridge/secrets/OPERATOR_TOKEN');
    expect(web.CODEC_AUTH_TOKEN_FILE).toBe('/etc/bridge/secrets/CODEC_AUTH_TOKEN');
    expect(secretKeys(objects, '-web')).toEqual(expect.arrayContaining(['OPERATOR_TOKEN', 'CODEC_AUTH_TOKEN']));
    const es = find(objects, 'ExternalSecret', '');
    expect(es.spec?.data?.map((d) => d.secretKey)).toEqual(expect.arrayContaining(['OPERATOR_TOKEN', 'CODEC_AUTH_TOKEN']));
  });

  it('pass the codec JWT settings as plain values and the trusted proxies comma-separated', () => {
    expect([web.CODEC_JWT_JWKS_URL, web.CODEC_JWT_ISSUER, web.CODEC_JWT_AUDIENCE]).toEqual([
      'https://sso.example.com/realms/ops/protocol/openid-connect/certs',
      'https://sso.example.com/realms/ops',
      'temporal-ui',
    ]);
    expect(web.WEB_TRUSTED_PROXIES).toBe('10.42.0.0/16,192.0.2.5');
  });

  it('never give the worker the operator or codec token, nor their settings', () => {
    expect(secretKeys(objects, '-worker').filter((k) => ['OPERATOR_TOKEN', 'CODEC_AUTH_TOKEN'].includes(k))).toEqual([]);
    const names = Object.keys(env(container(objects, '-worker')));
    expect(names.filter((n) => NEW_WEB_ENV.includes(n))).toEqual([]);
  });
});

describe('the web settings refuse', () => {
  const jwt = { jwksUrl: 'https://sso.example.com/keys', issuer: 'https://sso.example.com', audience: 'temporal-ui' };

  it.each([
    ['a JWKS URL without issuer and audience', { web: { codecJwt: { jwksUrl: jwt.jwksUrl } } }, 'codecJwt'],
    [
      'an issuer and audience without a JWKS URL',
      { web: { codecJwt: { issuer: jwt.issuer, audience: jwt.audience } } },
      'codecJwt',
    ],
    ['a JWKS URL over plain HTTP', { web: { codecJwt: { ...jwt, jwksUrl: 'http://sso.example.com/keys' } } }, 'jwksUrl'],
    ['a trusted proxy that is a host name', { web: { trustedProxies: ['ingress.example.com'] } }, 'trustedProxies'],
    ['a trusted proxy with a prefix too long', { web: { trustedProxies: ['10.0.0.0/33'] } }, 'trustedProxies'],
  ])('%s', (_what, values, message) => {
    expect(renderError('default', values)).toContain(message);
  });

  it.each([
    ['WEB_TRUSTED_PROXIES', '0.0.0.0/0', 'web.trustedProxies'],
    ['CODEC_JWT_ISSUER', 'https://sso.example.com', 'web.codecJwt'],
    ['OPERATOR_TOKEN_FILE', '/tmp/token', 'secrets.operatorToken'],
  ])('%s through web.extraEnv, around the checks of its chart value', (name, value, owner) => {
    expect(renderError('default', { web: { extraEnv: [{ name, value }] } })).toContain(
      `web.extraEnv sets ${name}, which the chart sets from ${owner}`
    );
  });

  it('an ExternalSecret that does not write the operator token the web pods then read', () => {
    expect(
      renderError('external-secret-httpproxy', { secrets: { operatorToken: true } })
    ).toContain('no entry for the Secret key OPERATOR_TOKEN');
  });

  it('and accept all three JWT settings together', () => {
    expect(env(container(render('default', { web: { codecJwt: jwt } }), '-web')).CODEC_JWT_AUDIENCE).toBe('temporal-ui');
  });
});
