import type { ReadEnclosuresInput, ReadEnclosuresResult } from '../shared/types';
import type { ApplianceRegistry } from './appliance-registry';
import type { OneViewClient } from './oneview/oneview-client';
import type { EnclosureMap, TopologyCache } from './oneview/topology-cache';

/** Collections whose members sit in an enclosure, and the field that names it. */
const COLLECTIONS = [
  { path: '/rest/server-hardware', parentField: 'locationUri' },
  { path: '/rest/interconnects', parentField: 'enclosureUri' },
] as const;

const CHILD_URI = /^\/rest\/(server-hardware|interconnects)\/[A-Za-z0-9-]{1,64}$/;
const ENCLOSURE_URI = /^\/rest\/enclosures\/[A-Za-z0-9-]{1,64}$/;
const PAGE_SIZE = 500;
/** Stops a runaway paging loop: 100 pages of 500 is far beyond any appliance's hardware. */
const MAX_PAGES = 100;

/**
 * The enclosure each of these resources (blades, interconnects) sits in, from the appliance's topology: read in bulk
 * (server hardware by `locationUri`, interconnects by `enclosureUri`) and cached per worker, never one GET per alert.
 * A resource outside any enclosure (a rack server) is absent from the answer; so is any value that is not a plain
 * OneView URI.
 */
export async function readEnclosures(
  registry: ApplianceRegistry,
  topology: TopologyCache,
  input: ReadEnclosuresInput,
): Promise<ReadEnclosuresResult> {
  const client = registry.client(input.applianceId);
  registry.remember(input.applianceId, input.session);
  const uris = [...new Set(input.resourceUris)].filter((u) => CHILD_URI.test(u));
  const enclosures = await topology.enclosuresOf(input.applianceId, uris, () =>
    loadTopology(client, input.session.token, input.session.apiVersion),
  );
  return { enclosures };
}

async function loadTopology(client: OneViewClient, token: string, apiVersion: number): Promise<EnclosureMap> {
  const map = new Map<string, string>();
  for (const { path, parentField } of COLLECTIONS) {
    let next: string | null | undefined = `${path}?start=0&count=${PAGE_SIZE}`;
    for (let pages = 0; next && pages < MAX_PAGES; pages++) {
      const page = await client.getPage(next, token, apiVersion);
      for (const member of page.members) {
        if (typeof member !== 'object' || member === null) continue;
        const { uri, [parentField]: parent } = member as Record<string, unknown>;
        if (typeof uri === 'string' && CHILD_URI.test(uri) && typeof parent === 'string' && ENCLOSURE_URI.test(parent))
          map.set(uri, parent);
      }
      // The same page again (some appliances answer the last page that way) ends the read.
      next = page.nextPageUri && page.nextPageUri !== next ? page.nextPageUri : null;
    }
  }
  return map;
}
