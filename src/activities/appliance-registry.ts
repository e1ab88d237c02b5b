import type { ApplianceConfig } from '../config/types';
import type { OneViewLogin } from '../shared/types';
import type { BridgeMetrics } from './bridge-metrics';
import { BridgeError, ErrorCode } from './errors';
import { OneViewClient } from './oneview/oneview-client';

/** Gives activities the configuration and one shared OneView client per appliance, created on first use. */
export class ApplianceRegistry {
  private readonly clients = new Map<string, OneViewClient>();
  /** Sessions this worker has used, by appliance and token, so they can be logged out when it stops. */
  private readonly sessions = new Map<string, Map<string, OneViewLogin>>();
  private readonly byId: Map<string, ApplianceConfig>;

  constructor(
    appliances: readonly ApplianceConfig[],
    private readonly metrics?: Pick<BridgeMetrics, 'apiLatency'>,
  ) {
    this.byId = new Map(appliances.map((a) => [a.id, a]));
  }

  /** The configuration of an appliance; an id the worker does not know is a configuration error, not a retry. */
  config(applianceId: string): ApplianceConfig {
    const config = this.byId.get(applianceId);
    if (!config)
      throw new BridgeError(ErrorCode.unknownAppliance, `appliance '${applianceId}' is not configured on this worker`);
    return config;
  }

  /** The OneView client of an appliance. */
  client(applianceId: string): OneViewClient {
    let client = this.clients.get(applianceId);
    if (!client) {
      const c = this.config(applianceId);
      client = new OneViewClient({
        baseUrl: c.baseUrl,
        sslVerify: c.sslVerify,
        caCertPem: c.caCertPem,
        caOnly: c.caOnly,
        observe: (call, seconds) => this.metrics?.apiLatency.observe({ appliance: applianceId, ...call }, seconds),
      });
      this.clients.set(applianceId, client);
    }
    return client;
  }

  /** Notes a session this worker used; it is logged out at shutdown unless forgotten first. */
  remember(applianceId: string, login: OneViewLogin): void {
    let byToken = this.sessions.get(applianceId);
    if (!byToken) this.sessions.set(applianceId, (byToken = new Map()));
    byToken.set(login.token, login);
  }

  /** Forgets a session that was logged out or found dead. */
  forget(applianceId: string, token: string): void {
    this.sessions.get(applianceId)?.delete(token);
  }

  /**
   * Logs out every session this worker used, then closes the connection pools. Sessions left open count against the
   * appliance's per-client cap for 24 h; a poller whose session this ends simply logs in again at its next poll.
   */
  async close(): Promise<void> {
    const logouts: Promise<void>[] = [];
    for (const [applianceId, byToken] of this.sessions) {
      for (const login of byToken.values()) {
        logouts.push(
          this.client(applianceId)
            .logout(login.token, login.apiVersion)
            .catch(() => undefined),
        );
      }
    }
    await Promise.all(logouts);
    this.sessions.clear();
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }
}
