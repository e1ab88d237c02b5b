import { temporalSecretValues } from '../config/temporal-secrets';
import type { WorkerConfig } from '../config/types';

/** Every secret value the worker holds, for the logger to scrub from any line that would quote one. */
export function workerSecrets(config: WorkerConfig): string[] {
  return [
    ...config.appliances.flatMap((a) => [a.password, a.routingKey]).filter(Boolean),
    ...temporalSecretValues(config.temporal),
  ];
}
