import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { CodecJwtConfig } from './web-config';

/** What checking a codec JWT found: the caller's subject, or the reason for the logs (never for the caller). */
export type JwtCheck = { ok: true; subject: string } | { ok: false; reason: string };

/**
 * Verifies access tokens that the Temporal Web UI passes to the codec ("pass access token"): signature against the
 * identity provider's JWKS, issuer, audience, an allow-listed algorithm, an expiry, with a small clock tolerance.
 * `alg: none` and symmetric algorithms never pass: the allow-list holds neither.
 */
export function createJwtVerifier(config: CodecJwtConfig): (token: string) => Promise<JwtCheck> {
  // jose caches the key set, refetches it for an unknown `kid` at most once per cooldown, and times fetches out: a
  // flood of tokens with made-up key ids cannot turn into a flood of requests to the identity provider.
  const keys = createRemoteJWKSet(config.jwksUrl, {
    timeoutDuration: 5000,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.algorithms,
        clockTolerance: config.clockToleranceSeconds,
        requiredClaims: ['exp'],
      });
      return { ok: true, subject: String(payload.sub ?? 'unknown').slice(0, 128) };
    } catch (err) {
      // The reason is for the web process's log (an unreachable JWKS must be visible to operators), never the caller.
      return {
        ok: false,
        reason: err instanceof errors.JOSEError ? err.code : `key set not available: ${(err as Error).message}`,
      };
    }
  };
}
