import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { BRIDGE_SEARCH_ATTRIBUTES } from '../shared/search-attributes';

/**
 * Registers the bridge's search attributes in the namespace if they are missing. Answers false when that is not
 * allowed (Temporal Cloud, restricted operators): deliveries then run without them rather than fail.
 */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<boolean> {
  try {
    const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace });
    const missing = BRIDGE_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
    if (missing.length === 0) return true;
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
      ),
    });
    return true;
  } catch {
    return false;
  }
}
