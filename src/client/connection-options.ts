import type { TLSConfig } from '@temporalio/client';
import type { TemporalConfig } from '../config/types';

/** Address, TLS and API key of the Temporal frontend, in the shape both `Connection` and `NativeConnection` take. */
export function connectionOptions(config: Pick<TemporalConfig, 'address' | 'tls' | 'apiKey'>): {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
} {
  const { tls } = config;
  const tlsConfig: TLSConfig | undefined = tls
    ? {
        ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
        ...(tls.caPem ? { serverRootCACertificate: tls.caPem } : {}),
        ...(tls.clientCertPem && tls.clientKeyPem
          ? { clientCertPair: { crt: tls.clientCertPem, key: tls.clientKeyPem } }
          : {}),
      }
    : undefined;
  return {
    address: config.address,
    ...(tlsConfig ? { tls: Object.keys(tlsConfig).length > 0 ? tlsConfig : true } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  };
}
