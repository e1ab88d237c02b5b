import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'undici';
import { waitFor } from './wait-for';
import { exited } from './worker-process';

const ROOT = join(__dirname, '..', '..');

/** Which key signs a token: a published ES256 or RS256 key, or an unpublished one that claims the ES256 key's id. */
export type IssuerKey = 'es-1' | 'rs-1' | 'impostor';

/** Starts test/support/jwt-issuer.ts as its own process: a loopback JWKS and a signer of test tokens. */
export async function startJwtIssuer() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'support', 'jwt-issuer.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const port = await waitFor(
    'the JWT issuer',
    async () => /"msg":"jwt issuer started","port":(\d+)/.exec(output)?.[1],
    Boolean,
    60_000,
  );
  const base = `http://127.0.0.1:${port}`;
  return {
    jwksUrl: `${base}/jwks.json`,
    /** A JWT with exactly these claims, signed by `key`. */
    async sign(claims: Record<string, unknown>, key: IssuerKey = 'es-1'): Promise<string> {
      const res = await request(`${base}/sign`, { method: 'POST', body: JSON.stringify({ claims, key }) });
      const body = (await res.body.json()) as { token?: string; error?: string };
      if (!body.token) throw new Error(`the issuer signed nothing: ${body.error}`);
      return body.token;
    },
    /** How often the JWKS was fetched. */
    async fetches(): Promise<number> {
      return ((await (await request(`${base}/fetches`)).body.json()) as { fetches: number }).fetches;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
