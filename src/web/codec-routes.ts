import type { PayloadCodec } from '@temporalio/common';
import type { Authenticator } from './authenticator';
import { runCodec } from './codec-endpoint';
import { signedInPage, signInPage } from './codec-sign-in-page';
import { mediaType, readJsonBody } from './request-body';
import type { Route } from './route';
import { SIGN_IN_PAGE_CSP } from './security-headers';
import type { WebConfig } from './web-config';
import { WebError, WebErrorCode } from './web-error';

/**
 * The remote codec of the Temporal Web UI and CLI (POST /codec/encode, /codec/decode and their CORS preflights), and,
 * with CODEC_AUTH_TOKEN, the browser sign-in (GET and POST /codec/sign-in). None of them exist while the codec has no
 * credential configured: an open codec would decrypt any history payload, OneView session tokens included.
 */
export function codecRoutes(deps: { config: WebConfig; codecs: PayloadCodec[]; auth: Authenticator }): Route[] {
  const { config, codecs, auth } = deps;
  if (!config.codec) return [];
  const codec = (direction: 'encode' | 'decode'): Route[] => [
    {
      method: 'POST',
      path: `/codec/${direction}`,
      auth: 'codec',
      // The Web UI asks once per payload list of a page: a page of history is dozens of calls.
      limited: false,
      cors: true,
      async handle({ req }) {
        const body = await readJsonBody(req);
        try {
          return { status: 200, json: await runCodec(codecs, direction, body) };
        } catch (err) {
          throw new WebError(400, WebErrorCode.invalidBody, (err as Error).message);
        }
      },
    },
    // Browsers send preflights without credentials: they must pass unauthenticated, and say nothing but the policy.
    {
      method: 'OPTIONS',
      path: `/codec/${direction}`,
      auth: 'none',
      limited: false,
      cors: true,
      handle: async () => ({ status: 204 }),
    },
  ];
  const sessions = auth.sessions;
  const signIn: Route[] = !sessions
    ? []
    : [
        {
          method: 'GET',
          path: '/codec/sign-in',
          auth: 'none',
          limited: true,
          handle: async () => ({
            status: 200,
            body: { contentType: 'text/html; charset=utf-8', text: signInPage() },
            headers: { 'content-security-policy': SIGN_IN_PAGE_CSP },
          }),
        },
        {
          method: 'POST',
          path: '/codec/sign-in',
          auth: 'codec-sign-in',
          limited: true,
          async handle({ req }) {
            const { cookie, expiresAt } = await sessions.issue(req);
            const headers = { 'set-cookie': cookie, 'content-security-policy': SIGN_IN_PAGE_CSP };
            if (mediaType(req) === 'application/x-www-form-urlencoded') {
              return {
                status: 200,
                body: { contentType: 'text/html; charset=utf-8', text: signedInPage(expiresAt) },
                headers,
              };
            }
            return { status: 200, json: { signedIn: true, expiresAt: expiresAt.toISOString() }, headers };
          },
        },
      ];
  return [...codec('encode'), ...codec('decode'), ...signIn];
}

/** The CORS headers of the codec's answers: only the Web UI's origin, with its cookie when sessions are on. */
export function codecCorsHeaders(config: WebConfig): Record<string, string> {
  return {
    'access-control-allow-origin': config.codecCorsOrigin,
    ...(config.codec?.token ? { 'access-control-allow-credentials': 'true' } : {}),
    'access-control-allow-methods': 'POST, OPTIONS',
    // Authorization-Extras: the Web UI adds the ID token there when it passes the access token.
    'access-control-allow-headers': 'Authorization, Authorization-Extras, Content-Type, X-Namespace',
    'access-control-max-age': '600',
    vary: 'Origin',
  };
}
