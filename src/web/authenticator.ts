import type { IncomingMessage } from 'node:http';
import { bearerToken, SecretMatcher } from './bearer-token';
import type { Caller } from './caller';
import { createJwtVerifier, type JwtCheck } from './codec-jwt';
import { CodecSessions } from './codec-session';
import { readFormBody } from './request-body';
import type { WebConfig } from './web-config';
import { WebError, WebErrorCode } from './web-error';

/** The credential a route asks for. */
export type RouteAuth =
  /** Anyone: probes, metrics, CORS preflights, the sign-in page. */
  | 'none'
  /** WEBHOOK_TOKEN as a bearer token. */
  | 'webhook'
  /** OPERATOR_TOKEN as a bearer token. */
  | 'operator'
  /** Anyone; callers that send the operator token see more. */
  | 'operator-optional'
  /** CODEC_AUTH_TOKEN or a JWT as a bearer token, or a codec session cookie from the Web UI's origin. */
  | 'codec'
  /** CODEC_AUTH_TOKEN as a bearer token or in the sign-in form, from the same origin only. */
  | 'codec-sign-in';

/** Thrown when a presented credential is missing or wrong: the pipeline counts it against the client address. */
export class AuthenticationFailed extends WebError {
  constructor(
    /** For the logs only: which check failed. */
    readonly reason: string,
    headers: Record<string, string> = {},
  ) {
    super(
      401,
      WebErrorCode.unauthenticated,
      'missing or invalid token',
      {},
      { 'www-authenticate': 'Bearer', ...headers },
    );
  }
}

/** Checks requests against the credentials of the web process's configuration. */
export class Authenticator {
  private readonly webhook: SecretMatcher;
  private readonly operator?: SecretMatcher;
  private readonly codecToken?: SecretMatcher;
  private readonly jwt?: (token: string) => Promise<JwtCheck>;
  /** Browser codec sessions; only with CODEC_AUTH_TOKEN, which signs them and is what the sign-in takes. */
  readonly sessions?: CodecSessions;

  constructor(private readonly config: WebConfig) {
    this.webhook = new SecretMatcher(config.webhookToken);
    if (config.operatorToken) this.operator = new SecretMatcher(config.operatorToken);
    if (config.codec?.token) {
      this.codecToken = new SecretMatcher(config.codec.token);
      this.sessions = new CodecSessions(config.codec.token, config.codec.sessionMinutes);
    }
    if (config.codec?.jwt) this.jwt = createJwtVerifier(config.codec.jwt);
  }

  /** The caller of a request for a route; undefined for an anonymous call where the route allows one. */
  async authenticate(auth: RouteAuth, req: IncomingMessage): Promise<Caller | undefined> {
    switch (auth) {
      case 'none':
        return undefined;
      case 'webhook':
        if (!this.webhook.matches(bearerToken(req))) throw new AuthenticationFailed('not the webhook token');
        return { kind: 'webhook', id: 'webhook' };
      case 'operator':
        return this.asOperator(req);
      case 'operator-optional':
        return req.headers.authorization === undefined ? undefined : this.asOperator(req);
      case 'codec':
        return this.asCodecCaller(req);
      case 'codec-sign-in':
        return this.asSignIn(req);
    }
  }

  private asOperator(req: IncomingMessage): Caller {
    if (!this.operator) {
      throw new WebError(
        403,
        WebErrorCode.disabled,
        'operator endpoints are off until OPERATOR_TOKEN (or OPERATOR_TOKEN_FILE) is set on the web process',
      );
    }
    if (!this.operator.matches(bearerToken(req))) throw new AuthenticationFailed('not the operator token');
    return { kind: 'operator', id: 'operator' };
  }

  private async asCodecCaller(req: IncomingMessage): Promise<Caller> {
    const token = bearerToken(req);
    if (token !== undefined) {
      if (this.codecToken?.matches(token)) return { kind: 'codec-token', id: 'codec-token' };
      if (this.jwt && token.split('.').length === 3) {
        const check = await this.jwt(token);
        if (check.ok) return { kind: 'codec-jwt', id: `jwt:${check.subject}` };
        throw new AuthenticationFailed(`jwt refused: ${check.reason}`);
      }
      throw new AuthenticationFailed('not a codec token');
    }
    // A session cookie counts only on the Web UI's own calls: a browser always sends Origin on a cross-origin POST,
    // so a request from any other page (same-site ones included, which SameSite lets the cookie ride along with) fails.
    if (this.sessions && req.headers.origin === this.config.codecCorsOrigin && (await this.sessions.verify(req))) {
      return { kind: 'codec-session', id: 'codec-session' };
    }
    throw new AuthenticationFailed(req.headers.cookie ? 'no valid codec session for this origin' : 'no credential');
  }

  private async asSignIn(req: IncomingMessage): Promise<Caller> {
    // Only the sign-in page itself (or a script, which sends no Sec-Fetch-Site) may post here: no other site can
    // plant a session in someone's browser.
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      throw new WebError(403, WebErrorCode.crossSite, 'sign in from the sign-in page of this server');
    }
    const presented =
      req.headers.authorization !== undefined
        ? bearerToken(req)
        : ((await readFormBody(req)).get('token') ?? undefined);
    if (!this.codecToken?.matches(presented?.trim())) throw new AuthenticationFailed('not the codec token');
    return { kind: 'codec-token', id: 'codec-token' };
  }
}
