import { Client, Connection } from '@temporalio/client';
import type { TemporalConfig } from '../config/types';
import { connectionOptions } from './connection-options';
import { bridgeDataConverter } from './data-converter';

/** Opens a Temporal client for operator scripts, the web process and the worker's boot-time tasks. */
export async function createTemporalClient(
  config: Pick<TemporalConfig, 'address' | 'namespace' | 'encryption' | 'tls' | 'apiKey'>,
): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(config));
  return new Client({
    connection,
    namespace: config.namespace,
    dataConverter: bridgeDataConverter(config.encryption),
  });
}
