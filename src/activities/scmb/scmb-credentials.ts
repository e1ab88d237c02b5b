import { setTimeout as sleep } from 'node:timers/promises';
import { BridgeError, ErrorCode } from '../errors';
import type { ApplianceRegistry } from '../appliance-registry';

/** What a consumer needs to log in to an appliance's message bus; held in memory only, never in history or logs. */
export interface ScmbCredentials {
  cert: string;
  key: string;
  /** The appliance's internal CA, which signed the broker's certificate. */
  ca: string;
}

const KEYPAIR_PATH = '/rest/certificates/client/rabbitmq/keypair/default';
/** The appliance generates the client certificate in a task of a few seconds: read it again this often, this long. */
const GENERATION_CHECK_MS = 2_000;
const GENERATION_CHECKS = 30;

/**
 * Reads the appliance's message-bus client certificate, asking it to generate one only when none exists (once per
 * call: a 404 that persists is waited for, never answered by generating again), and its internal CA. Logs in with the
 * appliance's credentials and out again.
 */
export async function scmbCredentials(
  registry: ApplianceRegistry,
  applianceId: string,
  signal: AbortSignal,
): Promise<ScmbCredentials> {
  const config = registry.config(applianceId);
  const client = registry.client(applianceId);
  const version = await client.negotiateVersion();
  const token = await client.login(
    { userName: config.username, password: config.password, authLoginDomain: config.loginDomain },
    version,
  );
  try {
    let pair = await client.getResource(KEYPAIR_PATH, token, version);
    if (pair === undefined) {
      await client.requestScmbClientCertificate(token, version);
      for (let i = 0; i < GENERATION_CHECKS && pair === undefined; i++) {
        await sleep(GENERATION_CHECK_MS, undefined, { signal });
        pair = await client.getResource(KEYPAIR_PATH, token, version);
      }
    }
    if (pair === undefined)
      throw new BridgeError(
        ErrorCode.scmbCertificatePending,
        `the appliance has not generated its message-bus client certificate after ${(GENERATION_CHECK_MS * GENERATION_CHECKS) / 1000} s`,
      );
    const { base64SSLCertData: cert, base64SSLKeyData: key } = pair as Record<string, unknown>;
    if (
      typeof cert !== 'string' ||
      typeof key !== 'string' ||
      !cert.includes('-----BEGIN') ||
      !key.includes('-----BEGIN')
    )
      throw new BridgeError(ErrorCode.oneViewInvalidBody, `GET ${KEYPAIR_PATH} answered no PEM certificate and key`);
    return { cert, key, ca: await client.getScmbCa(token, version) };
  } finally {
    await client.logout(token, version).catch(() => undefined);
  }
}
