import type { Client } from '@temporalio/client';

/**
 * How long the namespace keeps closed workflows (a finished delivery rejects a second start of its ID for this long),
 * or undefined when it cannot be read; pollers then assume a long retention rather than forget too early.
 */
export async function namespaceRetentionMs(client: Client, namespace: string): Promise<number | undefined> {
  try {
    const { config } = await client.workflowService.describeNamespace({ namespace });
    const ttl = config?.workflowExecutionRetentionTtl;
    if (!ttl) return undefined;
    const ms = Number(ttl.seconds ?? 0) * 1000 + Math.floor((ttl.nanos ?? 0) / 1e6);
    return ms > 0 ? ms : undefined;
  } catch {
    return undefined;
  }
}
