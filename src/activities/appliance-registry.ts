import type { ApplianceConfig } from '../config/types';
import { BridgeError, ErrorCode } from './errors';
import { OneViewClient } from './oneview/oneview-client';

/** Gives activities the configuration and one shared OneView client per appliance, created on first use. */
export class ApplianceRegistry {
  private readonly clients = new Map<string, OneViewClient>();
  private readonly byId: Map<string, ApplianceConfig>;

  constructor(appliances: readonly ApplianceConfig[]) {
    this.byId = new Map(appliances.map((a) => [a.id, a]));
  }

  /** The configuration of an appliance; an id the worker does not know is a configuration error, not a retry. */
  config(applianceId: string): ApplianceConfig {
    const config = this.byId.get(applianceId);
    if (!config) throw new BridgeError(ErrorCode.unknownAppliance, `appliance '${applianceId}' is not configured on this worker`);
    return config;
  }

  /** The OneView client of an appliance. */
  client(applianceId: string): OneViewClient {
    let client = this.clients.get(applianceId);
    if (!client) {
      const c = this.config(applianceId);
      client = new OneViewClient({ baseUrl: c.baseUrl, sslVerify: c.sslVerify, caCertPem: c.caCertPem });
      this.clients.set(applianceId, client);
    }
    return client;
  }

  /** Closes every connection pool. */
  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }
}
