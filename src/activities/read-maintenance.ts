import type { ReadMaintenanceInput, ReadMaintenanceResult } from '../shared/types';
import type { ApplianceRegistry } from './appliance-registry';

/** OneView's server hardware collection: the only resources with a maintenance mode. */
const SERVER_HARDWARE = /^\/rest\/server-hardware\/[A-Za-z0-9-]{1,64}$/;

/**
 * Which of these servers OneView has in maintenance mode (`maintenanceMode`, API 1600 and later; absent on older
 * appliances, which have no such mode): one GET per server. A URI that is not a server's, or a server the appliance no
 * longer has, is not in maintenance.
 */
export async function readMaintenance(
  registry: ApplianceRegistry,
  input: ReadMaintenanceInput,
): Promise<ReadMaintenanceResult> {
  const client = registry.client(input.applianceId);
  registry.remember(input.applianceId, input.session);
  const inMaintenance: string[] = [];
  for (const uri of new Set(input.resourceUris)) {
    if (!SERVER_HARDWARE.test(uri)) continue;
    const server = await client.getResource(uri, input.session.token, input.session.apiVersion);
    const mode =
      typeof server === 'object' && server !== null
        ? (server as { maintenanceMode?: unknown }).maintenanceMode
        : undefined;
    // The SDKs send the mode as the string "true"; an appliance may answer either way.
    if (mode === true || mode === 'true') inMaintenance.push(uri);
  }
  return { inMaintenance };
}
