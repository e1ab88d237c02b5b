import { hkdfSync, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { jwtVerify, SignJWT } from 'jose';
import { isLoopbackHost } from './web-config';

/** Name of the cookie that carries a browser's codec session. */
export const CODEC_SESSION_COOKIE = 'codec_session';

const ISSUER = 'hponeview-pagerduty-bridge/web';
const AUDIENCE = 'codec-session';

/**
 * Short-lived codec sessions for browsers: the codec sign-in trades the codec token for a JWT signed by the web
 * process, kept in an HttpOnly, SameSite=Strict cookie that the Temporal Web UI sends with "include cross-origin
 * credentials". The signing key is derived from CODEC_AUTH_TOKEN, so every replica accepts every replica's cookies
 * and rotating the token ends every session.
 */
export class CodecSessions {
  private readonly key: Uint8Array;

  constructor(
    codecToken: string,
    private readonly minutes: number,
  ) {
    this.key = new Uint8Array(
      hkdfSync('sha256', codecToken, 'hponeview-pagerduty-bridge', 'codec-session-cookie-v1', 32),
    );
  }

  /** A new session: the Set-Cookie value and when it ends. */
  async issue(req: IncomingMessage): Promise<{ cookie: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.minutes * 60_000);
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('codec-sign-in')
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    // Path=/codec: no other endpoint ever sees it. Secure except on loopback, where no network carries it and some
    // browsers refuse Secure cookies over plain http.
    const secure = isLoopbackHost(hostOf(req)) ? '' : '; Secure';
    return {
      cookie: `${CODEC_SESSION_COOKIE}=${jwt}; Path=/codec; Max-Age=${this.minutes * 60}; HttpOnly; SameSite=Strict${secure}`,
      expiresAt,
    };
  }

  /** Whether a request carries a valid, unexpired session cookie. */
  async verify(req: IncomingMessage): Promise<boolean> {
    const jwt = cookieValue(req, CODEC_SESSION_COOKIE);
    if (!jwt) return false;
    try {
      await jwtVerify(jwt, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
      });
      return true;
    } catch {
      return false;
    }
  }
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function hostOf(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
}
