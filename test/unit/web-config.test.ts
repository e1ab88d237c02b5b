import { ConfigError } from '../../src/config/config-error';
import { loadWebConfig } from '../../src/web/web-config';

const KEY = Buffer.alloc(32, 3).toString('base64');
const base = { PAYLOAD_ENCRYPTION_KEY: KEY, WEBHOOK_TOKEN: 'webhook-token-abcdef0123' };
const problemsOf = (env: Record<string, string>, files: Record<string, string> = {}) => {
  try {
    loadWebConfig(env, (path) => {
      if (files[path] === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return files[path]!;
    });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the configuration was accepted');
};

describe('the web configuration', () => {
  test('leaves the operator endpoints and the codec off unless their credentials are set', () => {
    const config = loadWebConfig(base);
    expect(config.operatorToken).toBeUndefined();
    expect(config.codec).toBeUndefined();
    expect(config.codecCorsOrigin).toBe('http://localhost:8233');
    expect(config.trustedProxies.entries).toEqual([]);
  });

  test('reads tokens from NAME or NAME_FILE, and the JWT settings together', () => {
    const config = loadWebConfig(
      {
        ...base,
        OPERATOR_TOKEN_FILE: '/run/op',
        CODEC_AUTH_TOKEN: 'codec-token-abcdef01234',
        CODEC_JWT_JWKS_URL: 'http://127.0.0.1:9000/jwks.json',
        CODEC_JWT_ISSUER: 'https://idp/',
        CODEC_JWT_AUDIENCE: 'ui',
        CODEC_CORS_ORIGIN: 'https://ui.example.com/',
        WEB_TRUSTED_PROXIES: '10.0.0.0/8,fd00::/8',
      },
      () => 'operator-token-abcdef0123\n',
    );
    expect(config.operatorToken).toBe('operator-token-abcdef0123');
    expect(config.codec).toMatchObject({
      token: 'codec-token-abcdef01234',
      sessionMinutes: 60,
      jwt: { issuer: 'https://idp/', audience: 'ui', algorithms: ['RS256', 'ES256'], clockToleranceSeconds: 30 },
    });
    expect(config.codecCorsOrigin).toBe('https://ui.example.com');
    expect(config.trustedProxies.entries).toEqual(['10.0.0.0/8', 'fd00::/8']);
  });

  test('lists every problem at once and never a secret', () => {
    const error = problemsOf({
      ...base,
      OPERATOR_TOKEN: 'short-secret',
      CODEC_AUTH_TOKEN: base.WEBHOOK_TOKEN,
      CODEC_JWT_JWKS_URL: 'http://idp.example.com/jwks.json',
      CODEC_JWT_ISSUER: 'https://idp/',
      CODEC_JWT_AUDIENCE: 'ui',
      CODEC_JWT_ALGORITHMS: 'RS256,HS256,none',
      CODEC_CORS_ORIGIN: 'https://ui.example.com/path',
      WEB_TRUSTED_PROXIES: '10.0.0.0/40',
    });
    expect(error.problems).toEqual([
      'OPERATOR_TOKEN must be at least 16 characters',
      'WEBHOOK_TOKEN and CODEC_AUTH_TOKEN must differ',
      expect.stringMatching(/^CODEC_JWT_ALGORITHMS must list some of .*, got 'HS256,none'$/),
      expect.stringContaining('CODEC_JWT_JWKS_URL must be https://'),
      expect.stringContaining('CODEC_CORS_ORIGIN must be an origin'),
      expect.stringContaining("WEB_TRUSTED_PROXIES: '10.0.0.0/40'"),
    ]);
    for (const secret of ['short-secret', base.WEBHOOK_TOKEN]) expect(error.message).not.toContain(secret);
  });

  test('wants the three JWT settings together and the webhook token always', () => {
    const error = problemsOf({ PAYLOAD_ENCRYPTION_KEY: KEY, CODEC_JWT_ISSUER: 'https://idp/' });
    expect(error.problems).toEqual([
      'WEBHOOK_TOKEN (or WEBHOOK_TOKEN_FILE) is required',
      'CODEC_JWT_JWKS_URL, CODEC_JWT_ISSUER, CODEC_JWT_AUDIENCE must be set together (missing: CODEC_JWT_JWKS_URL, CODEC_JWT_AUDIENCE)',
    ]);
  });
});
