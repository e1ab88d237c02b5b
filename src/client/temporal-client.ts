import { Client, Connection } from '@temporalio/client';
import type { TemporalConfig } from '../config/types';
import { bridgeDataConverter } from './data-converter';

/** Opens a Temporal client for operator scripts, the web process and the worker's boot-time tasks. */
export async function createTemporalClient(config: Pick<TemporalConfig, 'address' | 'namespace' | 'encryption'>): Promise<Client> {
  const connection = await Connection.connect({ address: config.address });
  return new Client({
    connection,
    namespace: config.namespace,
    dataConverter: bridgeDataConverter(config.encryption),
  });
}
