import type { Client } from '@temporalio/client';
import { createTemporalClient } from '../../src/client/temporal-client';
import { ConfigError } from '../../src/config/config-error';
import { EnvReader } from '../../src/config/env-reader';
import { readTemporalConfig } from '../../src/config/load-config';
import type { TemporalConfig } from '../../src/config/types';
import { OperationFailed } from './exit-codes';

/**
 * The Temporal settings of a script from the environment, as the worker and web processes read them
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, PAYLOAD_ENCRYPTION_KEY(_FILE), TEMPORAL_TLS_*,
 * TEMPORAL_API_KEY); throws a ConfigError listing every problem.
 */
export function temporalConfigFromEnv(env: Record<string, string | undefined>): TemporalConfig {
  const reader = new EnvReader(env);
  const config = readTemporalConfig(reader);
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return config;
}

/** Connects to Temporal; a failure becomes one line naming the address and TEMPORAL_ADDRESS, with no stack trace. */
export async function connectToTemporal(config: TemporalConfig): Promise<Client> {
  try {
    return await createTemporalClient(config);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new OperationFailed(
      `failed to connect to Temporal at ${config.address} (TEMPORAL_ADDRESS, namespace ${config.namespace}): ${reason}`,
      { cause: err },
    );
  }
}
