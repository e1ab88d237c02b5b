import { createHash } from 'node:crypto';

/**
 * The non-secret id of a routing key: a SHA-256 prefix. It is the fairness key of the key's sends, visible in the Web
 * UI and in task-queue metadata, so never the key itself.
 */
export function routingKeyIdOf(routingKey: string): string {
  return createHash('sha256').update(routingKey).digest('hex').slice(0, 16);
}
