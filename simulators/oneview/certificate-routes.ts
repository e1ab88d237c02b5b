import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readBody } from '../common/http-kit';
import type { RabbitBroker } from '../rabbitmq/broker';
import type { KeyPair } from '../rabbitmq/internal-ca';
import { invalidJson } from './error-bodies';

/** The API version from which `GET /rest/certificates/ca` answers a collection instead of one PEM string. */
const CA_COLLECTION_FROM_VERSION = 600;

/** How the certificate endpoints behave. */
export interface CertificateRouteOptions {
  broker: RabbitBroker;
  /** How long the asynchronous generation of the client certificate takes (OneView: a task of a few seconds). */
  generationMs?: number;
  /** The appliance's HTTPS certificate: listed beside the internal CA when the CA collection is read unfiltered. */
  httpsCertificatePem?: string;
}

type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

const NOT_GENERATED = {
  recommendedActions: ['Please supply a valid and unique common name and try again.'],
  errorCode: 'RESOURCE_NOT_FOUND',
  data: {},
  message: 'Certificate/Private key file is missing.',
  details: '',
  nestedErrors: [],
  errorSource: null,
};

/**
 * OneView's message-bus certificate endpoints: the client certificate generated once per appliance by an asynchronous
 * task (a second request is a conflict), its key pair readable only once generated, and the internal CA whose shape
 * depends on the API version.
 */
export class CertificateRoutes {
  private clientCert: 'none' | 'generating' | KeyPair = 'none';
  /** Client-certificate generations requested, conflicts included (tests check nobody regenerates in a loop). */
  generateRequests = 0;

  constructor(private readonly options: CertificateRouteOptions) {}

  /** Answers a request under /rest/certificates/, or returns false when the path is not one of these. */
  async handle(req: IncomingMessage, path: string, url: URL, version: number, reply: Reply): Promise<boolean> {
    if (path === '/rest/certificates/client/rabbitmq' && req.method === 'POST') {
      await this.generate(req, reply);
      return true;
    }
    const keypair = /^\/rest\/certificates\/client\/rabbitmq\/keypair\/([^/]+)$/.exec(path);
    if (keypair && req.method === 'GET') {
      if (typeof this.clientCert === 'string' || keypair[1] !== 'default') reply(404, NOT_GENERATED);
      else reply(200, { base64SSLCertData: this.clientCert.cert, base64SSLKeyData: this.clientCert.key });
      return true;
    }
    if (path === '/rest/certificates/ca' && req.method === 'GET') {
      this.caAnswer(url, version, reply);
      return true;
    }
    return false;
  }

  /** Forgets the generated client certificate (`/_sim/reset`). */
  reset(): void {
    this.clientCert = 'none';
    this.generateRequests = 0;
  }

  private async generate(req: IncomingMessage, reply: Reply): Promise<void> {
    this.generateRequests++;
    let body: { commonName?: unknown; type?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      return reply(400, invalidJson());
    }
    if (body.commonName !== 'default' || typeof body.type !== 'string' || !/^RabbitMqClientCert/.test(body.type))
      return reply(400, {
        errorCode: 'INVALID_CERTIFICATE_REQUEST',
        message: 'Only the commonName "default" of type RabbitMqClientCertV2 is supported.',
      });
    if (this.clientCert !== 'none')
      return reply(409, {
        errorCode: 'RABBITMQ_CLIENTCERT_CONFLICT',
        message: 'The RabbitMQ client certificate already exists.',
        recommendedActions: ['Use the existing certificate, or delete it before generating a new one.'],
        data: {},
        nestedErrors: [],
        errorSource: null,
        details: '',
      });
    this.clientCert = 'generating';
    const taskUri = `/rest/tasks/${randomBytes(8).toString('hex')}`;
    setTimeout(() => {
      void (async () => {
        const pair = await this.options.broker.internalCa.issue('default', 'client');
        await this.options.broker.addUser('default');
        this.clientCert = pair;
      })().catch(() => {
        this.clientCert = 'none';
      });
    }, this.options.generationMs ?? 500);
    reply(
      202,
      { uri: taskUri, taskState: 'Running', name: 'Create RabbitMQ client certificate' },
      { location: taskUri },
    );
  }

  private caAnswer(url: URL, version: number, reply: Reply): void {
    const internal = this.options.broker.internalCa.ca.cert;
    if (version < CA_COLLECTION_FROM_VERSION) return reply(200, internal);
    const member = (certType: string, pem: string, alias: string) => ({
      type: 'CertificateAuthorityInfo',
      certType,
      uri: `/rest/certificates/ca/${alias}`,
      certificateDetails: { type: 'CertificateDetailV2', aliasName: alias, base64Data: pem },
    });
    const all = [
      ...(this.options.httpsCertificatePem ? [member('EXTERNAL', this.options.httpsCertificatePem, 'https')] : []),
      member('INTERNAL', internal, 'localhostSelfSignedCertificate'),
    ];
    const filter = url.searchParams.get('filter');
    const members = filter === null ? all : all.filter((m) => filter.replace(/\s/g, '') === `certType:${m.certType}`);
    reply(200, { type: 'CertificateAuthorityInfoCollection', members, count: members.length, total: members.length });
  }
}
