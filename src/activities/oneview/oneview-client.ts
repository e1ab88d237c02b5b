import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { type Dispatcher, request } from 'undici';
import { type CertificateProblem, certificateProblem } from '../certificate-error';
import { BridgeError, ErrorCode } from '../errors';
import { classifyNetworkError, describeNetworkError } from '../network-error';
import { describeProxyRefusal, outboundDispatcher } from '../outbound-agent';
import { endpointTemplate } from './endpoint-template';
import { resolvePageUri } from './page-uri';
import { describeCertificate, readPeerCertificate } from './peer-certificate';
import { trustedCertificates } from './trusted-cas';

/** Lowest and highest X-API-Version this client speaks (OneView 3.0 to 11.30). */
export const CLIENT_API_VERSIONS = { min: 300, max: 8600 } as const;

/** How to reach one appliance. */
export interface OneViewClientOptions {
  /** `https://host[:port]` (or `http://` for the simulator). */
  baseUrl: string;
  sslVerify: boolean;
  /** Extra CA certificates (PEM) trusted besides Node's default ones. */
  caCertPem?: string;
  /** Trust only `caCertPem`, not Node's default CAs as well. */
  caOnly?: boolean;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Called after every request, answered or failed, with its method, endpoint template and duration. */
  observe?: (call: { method: string; endpoint: string }, seconds: number) => void;
}

/** Login credentials of one appliance. */
export interface OneViewCredentials {
  userName: string;
  password: string;
  authLoginDomain?: string;
}

/** One page of a OneView collection, as far as paging needs it. */
export interface OneViewPage {
  uri?: string;
  members: unknown[];
  nextPageUri?: string | null;
  total?: number;
}

interface OneViewErrorBody {
  errorCode?: string;
  message?: string;
  details?: string;
}

/** A small OneView REST client: version negotiation, login sessions and authenticated GETs over one keep-alive pool. */
export class OneViewClient {
  private readonly agent: Dispatcher;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: OneViewClientOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    // HTTPS_PROXY / NO_PROXY apply; through a proxy the appliance's certificate is still verified with these settings.
    this.agent = outboundDispatcher({
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      keepAliveTimeoutMs: 30_000,
      connections: 4,
      tls: {
        rejectUnauthorized: options.sslVerify,
        // Built once: a context of every default root plus the extra CA is costly to build per connection.
        secureContext: createSecureContext({ ca: trustedCertificates(options.caCertPem, options.caOnly ?? false) }),
      },
    });
  }

  /** Asks the appliance which API versions it accepts and picks the highest both sides speak. */
  async negotiateVersion(): Promise<number> {
    const { status, body } = await this.send('GET', '/rest/version', {});
    if (status !== 200) throw this.httpError('GET /rest/version', status, body);
    const v = parseJson(body, 'GET /rest/version') as { currentVersion?: unknown; minimumVersion?: unknown };
    if (typeof v.currentVersion !== 'number') {
      throw new BridgeError(
        ErrorCode.oneViewInvalidBody,
        'GET /rest/version answered without a numeric currentVersion',
      );
    }
    const applianceMin = typeof v.minimumVersion === 'number' ? v.minimumVersion : 1;
    const chosen = Math.min(v.currentVersion, CLIENT_API_VERSIONS.max);
    if (chosen < Math.max(applianceMin, CLIENT_API_VERSIONS.min)) {
      throw new BridgeError(
        ErrorCode.oneViewVersion,
        `appliance accepts API versions ${applianceMin}-${v.currentVersion}, this client ${CLIENT_API_VERSIONS.min}-${CLIENT_API_VERSIONS.max}`,
      );
    }
    return chosen;
  }

  /** Opens a session and returns its token. */
  async login(credentials: OneViewCredentials, apiVersion: number): Promise<string> {
    const body = JSON.stringify({
      userName: credentials.userName,
      password: credentials.password,
      ...(credentials.authLoginDomain ? { authLoginDomain: credentials.authLoginDomain } : {}),
      // Acknowledges a login banner up front; without it an appliance with a banner refuses every login.
      loginMsgAck: true,
    });
    const res = await this.send('POST', '/rest/login-sessions', { 'X-API-Version': String(apiVersion) }, body);
    if (res.status !== 200) {
      const err = parseErrorBody(res.body);
      if (res.status === 400 || res.status === 401 || res.status === 403 || res.status === 404) {
        throw new BridgeError(
          ErrorCode.oneViewAuth,
          `login rejected (${res.status} ${err.errorCode ?? ''}): ${err.message ?? 'no message'}`.replace('  ', ' '),
          { status: res.status },
        );
      }
      throw this.httpError('POST /rest/login-sessions', res.status, res.body, apiVersion);
    }
    const session = parseJson(res.body, 'POST /rest/login-sessions') as { sessionID?: unknown };
    if (typeof session.sessionID !== 'string' || session.sessionID === '') {
      throw new BridgeError(ErrorCode.oneViewInvalidBody, 'login answered 200 without a sessionID');
    }
    return session.sessionID;
  }

  /** Ends a session; a session that is already dead counts as logged out. */
  async logout(token: string, apiVersion: number): Promise<void> {
    const res = await this.send('DELETE', '/rest/login-sessions', { 'X-API-Version': String(apiVersion), auth: token });
    if (res.status !== 204 && res.status !== 200 && res.status !== 401) {
      throw this.httpError('DELETE /rest/login-sessions', res.status, res.body, apiVersion);
    }
  }

  /**
   * GETs one page of a collection with the session token; a page URI off the appliance's own `/rest/` API is refused
   * before any request, and a 401 surfaces as `ONEVIEW_AUTH` with status 401.
   */
  async getPage(pageUri: string, token: string, apiVersion: number): Promise<OneViewPage> {
    const url = resolvePageUri(this.options.baseUrl, pageUri);
    const res = await this.send('GET', url, { 'X-API-Version': String(apiVersion), auth: token });
    const what = `GET ${url.pathname}`;
    if (res.status === 401) {
      const err = parseErrorBody(res.body);
      throw new BridgeError(ErrorCode.oneViewAuth, `${what} unauthorized: ${err.message ?? 'no message'}`, {
        status: 401,
      });
    }
    if (res.status !== 200) throw this.httpError(what, res.status, res.body, apiVersion);
    const page = parseJson(res.body, what) as Partial<OneViewPage>;
    if (!Array.isArray(page.members)) {
      throw new BridgeError(ErrorCode.oneViewInvalidBody, `${what} answered a body without a members array`);
    }
    return page as OneViewPage;
  }

  /** GETs one resource with the session token; undefined when the appliance answers 404 (it no longer exists). */
  async getResource(path: string, token: string, apiVersion: number): Promise<unknown> {
    const res = await this.send('GET', path, { 'X-API-Version': String(apiVersion), auth: token });
    const what = `GET ${path.split('?')[0]}`;
    if (res.status === 404) return undefined;
    if (res.status === 401) {
      const err = parseErrorBody(res.body);
      throw new BridgeError(ErrorCode.oneViewAuth, `${what} unauthorized: ${err.message ?? 'no message'}`, {
        status: 401,
      });
    }
    if (res.status !== 200) throw this.httpError(what, res.status, res.body, apiVersion);
    return parseJson(res.body, what);
  }

  /**
   * Asks the appliance to generate its message-bus client certificate (an asynchronous task on the appliance); one that
   * exists or is being generated (409 RABBITMQ_CLIENTCERT_CONFLICT) is as good.
   */
  async requestScmbClientCertificate(token: string, apiVersion: number): Promise<void> {
    const path = '/rest/certificates/client/rabbitmq';
    const body = JSON.stringify({ commonName: 'default', type: 'RabbitMqClientCertV2' });
    const res = await this.send('POST', path, { 'X-API-Version': String(apiVersion), auth: token }, body);
    if (res.status === 200 || res.status === 201 || res.status === 202) return;
    if (parseErrorBody(res.body).errorCode === 'RABBITMQ_CLIENTCERT_CONFLICT') return;
    if (res.status === 401 || res.status === 403)
      throw new BridgeError(
        ErrorCode.oneViewAuth,
        `POST ${path} refused (${res.status}): the user needs the Infrastructure administrator role`,
        { status: res.status },
      );
    throw this.httpError(`POST ${path}`, res.status, res.body, apiVersion);
  }

  /**
   * The internal CA that signs the message bus's certificates: one PEM string before API 600, the member of type
   * INTERNAL of a collection from 600 on.
   */
  async getScmbCa(token: string, apiVersion: number): Promise<string> {
    const collection = apiVersion >= 600;
    const path = collection ? '/rest/certificates/ca?filter=certType:INTERNAL' : '/rest/certificates/ca';
    const res = await this.send('GET', path, { 'X-API-Version': String(apiVersion), auth: token });
    if (res.status !== 200) throw this.httpError('GET /rest/certificates/ca', res.status, res.body, apiVersion);
    // Old appliances answer the bare PEM, not JSON.
    const parsed = /^\s*-----BEGIN/.test(res.body) ? res.body : parseJson(res.body, 'GET /rest/certificates/ca');
    const pem = collection
      ? (parsed as { members?: { certType?: unknown; certificateDetails?: { base64Data?: unknown } }[] }).members?.find(
          (m) => m.certType === 'INTERNAL',
        )?.certificateDetails?.base64Data
      : parsed;
    if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----'))
      throw new BridgeError(
        ErrorCode.oneViewInvalidBody,
        'GET /rest/certificates/ca answered no INTERNAL CA certificate',
      );
    return pem;
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(
    method: 'GET' | 'POST' | 'DELETE',
    target: string | URL,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; body: string }> {
    const url = typeof target === 'string' ? new URL(target, this.options.baseUrl) : target;
    const started = performance.now();
    try {
      const res = await request(url, {
        method,
        dispatcher: this.agent,
        headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        body,
        headersTimeout: this.requestTimeoutMs,
        bodyTimeout: this.requestTimeoutMs,
      });
      return { status: res.statusCode, body: await res.body.text() };
    } catch (err) {
      const certificate = certificateProblem(err);
      if (certificate) throw await this.certificateError(`${method} ${url.pathname}`, url, certificate, err);
      const kind = classifyNetworkError(err);
      const reason = kind === 'timeout' ? 'timed out' : (describeProxyRefusal(err) ?? describeNetworkError(err));
      throw new BridgeError(
        kind === 'timeout' ? ErrorCode.oneViewTimeout : ErrorCode.oneViewNetwork,
        `${method} ${url.pathname} failed: ${reason}`,
        {},
        { cause: err },
      );
    } finally {
      this.options.observe?.(
        { method, endpoint: endpointTemplate(url.pathname) },
        (performance.now() - started) / 1000,
      );
    }
  }

  /** A refused certificate, named by its subject and issuer so the operator can tell which CA to trust (or what changed). */
  private async certificateError(
    what: string,
    url: URL,
    problem: CertificateProblem,
    cause: unknown,
  ): Promise<BridgeError> {
    const cert = problem.raw ? new X509Certificate(problem.raw) : await readPeerCertificate(url);
    const presented = cert ? `it presents ${describeCertificate(cert)}` : 'its certificate could not be read';
    return new BridgeError(
      ErrorCode.oneViewCertificate,
      `${what} failed: the appliance's TLS certificate was refused (${problem.code}: ${problem.reason}); ${presented}`,
      {},
      { cause },
    );
  }

  private httpError(what: string, status: number, body: string, apiVersion?: number): BridgeError {
    const err = parseErrorBody(body);
    if (status === 412 && apiVersion !== undefined && /version/i.test(`${err.message ?? ''} ${err.details ?? ''}`)) {
      // The appliance names the versions it accepts in `details`; both sides' versions end up in one message.
      return new BridgeError(
        ErrorCode.oneViewVersion,
        `appliance refused X-API-Version ${apiVersion} (this client speaks ${CLIENT_API_VERSIONS.min}-${CLIENT_API_VERSIONS.max}): ${err.details ?? err.message}`,
        { status },
      );
    }
    const reason = err.message ?? (looksLikeHtml(body) ? 'an HTML page (a proxy in the way?)' : 'no error body');
    return new BridgeError(ErrorCode.oneViewHttp, `${what} answered ${status}: ${reason}`, { status });
  }
}

function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    const hint = looksLikeHtml(body) ? 'an HTML page (a proxy in the way?)' : 'a body that is not JSON';
    throw new BridgeError(ErrorCode.oneViewInvalidBody, `${what} answered ${hint}`);
  }
}

function parseErrorBody(body: string): OneViewErrorBody {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as OneViewErrorBody) : {};
  } catch {
    return {};
  }
}

function looksLikeHtml(body: string): boolean {
  return /^\s*</.test(body);
}
