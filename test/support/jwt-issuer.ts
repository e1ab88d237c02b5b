/**
 * A stand-in identity provider for the codec's JWT tests, run as its own process (jest cannot load jose, which is
 * ESM-only): it serves a JWKS on loopback and signs tokens with keys made by jose, trusted ones (published in the JWKS)
 * and an untrusted one that claims a trusted key's id.
 *
 *   GET  /jwks.json                 the public keys: ES256 `es-1`, RS256 `rs-1`
 *   POST /sign {claims, key, alg}   a signed JWT; key: 'es-1' | 'rs-1' | 'impostor' (signs as `es-1`, not published)
 *   GET  /fetches                   how often the JWKS was fetched
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

async function run(): Promise<void> {
  const keys: Record<string, { privateKey: CryptoKey; publicKey: CryptoKey; kid: string; alg: string }> = {};
  for (const [name, alg] of [
    ['es-1', 'ES256'],
    ['rs-1', 'RS256'],
    ['impostor', 'ES256'],
  ] as const) {
    const pair = await generateKeyPair(alg, { extractable: true });
    keys[name] = { ...pair, kid: name === 'impostor' ? 'es-1' : name, alg };
  }
  const jwks = {
    keys: await Promise.all(
      ['es-1', 'rs-1'].map(async (n) => ({
        ...(await exportJWK(keys[n]!.publicKey)),
        kid: keys[n]!.kid,
        alg: keys[n]!.alg,
        use: 'sig',
      })),
    ),
  };
  let fetches = 0;
  const server = createServer((req, res) => {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && req.url === '/jwks.json') {
      fetches++;
      return json(200, jwks);
    }
    if (req.method === 'GET' && req.url === '/fetches') return json(200, { fetches });
    if (req.method === 'POST' && req.url === '/sign') {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => {
        const { claims, key } = JSON.parse(text) as { claims: Record<string, unknown>; key: string };
        const k = keys[key];
        if (!k) return json(400, { error: `no key ${key}` });
        void new SignJWT(claims)
          .setProtectedHeader({ alg: k.alg, kid: k.kid, typ: 'JWT' })
          .sign(k.privateKey)
          .then(
            (token) => json(200, { token }),
            (err: unknown) => json(500, { error: String(err) }),
          );
      });
      return;
    }
    json(404, { error: 'no such endpoint' });
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'jwt issuer started', port: (server.address() as AddressInfo).port })}\n`,
    );
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

void run();
