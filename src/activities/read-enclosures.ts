import type { ReadEnclosuresInput, ReadEnclosuresResult } from '../shared/types';
import type { ApplianceRegistry } from './appliance-registry';
import type { OneViewClient } from './oneview/oneview-client';
import type { ParentMap, TopologyCache } from './oneview/topology-cache';

const CHILD_URI = /^\/rest\/(server-hardware|interconnects)\/[A-Za-z0-9-]{1,64}$/;
const ENCLOSURE_URI = /^\/rest\/enclosures\/[A-Za-z0-9-]{1,64}$/;
const INTERCONNECT_URI = /^\/rest\/interconnects\/[A-Za-z0-9-]{1,64}$/;
const PAGE_SIZE = 500;
/** Stops a runaway paging loop: 100 pages of 500 is far beyond any appliance's hardware. */
const MAX_PAGES = 100;
/** A server's ports reach a handful of interconnects; more in a body is not topology to keep. */
const MAX_INTERCONNECTS_PER_SERVER = 8;

/**
 * The resources each of these blades and interconnects sits below, from the appliance's topology: its enclosure
 * first (server hardware `locationUri`, interconnect `enclosureUri`), then, for a server, the interconnects its ports
 * reach (`portMap.deviceSlots[].physicalPorts[].interconnectUri`). Read in bulk and cached per worker, never one GET
 * per alert. A resource below nothing (a rack server) is absent; so is any value that is not a plain OneView URI.
 */
export async function readEnclosures(
  registry: ApplianceRegistry,
  topology: TopologyCache,
  input: ReadEnclosuresInput,
): Promise<ReadEnclosuresResult> {
  const client = registry.client(input.applianceId);
  registry.remember(input.applianceId, input.session);
  const uris = [...new Set(input.resourceUris)].filter((u) => CHILD_URI.test(u));
  const parents = await topology.parentsOf(input.applianceId, uris, () =>
    loadTopology(client, input.session.token, input.session.apiVersion),
  );
  return { parents };
}

async function loadTopology(client: OneViewClient, token: string, apiVersion: number): Promise<ParentMap> {
  const map = new Map<string, string[]>();
  await eachMember(client, '/rest/server-hardware', token, apiVersion, (m) => {
    const enclosure = typeof m.locationUri === 'string' && ENCLOSURE_URI.test(m.locationUri) ? [m.locationUri] : [];
    return [...enclosure, ...interconnectsOf(m.portMap)];
  }).then((entries) => entries.forEach(([uri, parents]) => map.set(uri, parents)));
  await eachMember(client, '/rest/interconnects', token, apiVersion, (m) =>
    typeof m.enclosureUri === 'string' && ENCLOSURE_URI.test(m.enclosureUri) ? [m.enclosureUri] : [],
  ).then((entries) => entries.forEach(([uri, parents]) => map.set(uri, parents)));
  return map;
}

/** Every member of a collection with its parents, following the pages; members without parents are left out. */
async function eachMember(
  client: OneViewClient,
  path: string,
  token: string,
  apiVersion: number,
  parentsOf: (member: Record<string, unknown>) => string[],
): Promise<[string, string[]][]> {
  const found: [string, string[]][] = [];
  let next: string | null | undefined = `${path}?start=0&count=${PAGE_SIZE}`;
  for (let pages = 0; next && pages < MAX_PAGES; pages++) {
    const page = await client.getPage(next, token, apiVersion);
    for (const member of page.members) {
      if (typeof member !== 'object' || member === null) continue;
      const m = member as Record<string, unknown>;
      if (typeof m.uri !== 'string' || !CHILD_URI.test(m.uri)) continue;
      const parents = parentsOf(m);
      if (parents.length > 0) found.push([m.uri, parents]);
    }
    // The same page again (some appliances answer the last page that way) ends the read.
    next = page.nextPageUri && page.nextPageUri !== next ? page.nextPageUri : null;
  }
  return found;
}

/** The interconnects a server's ports reach, from its port map (any shape that is not the documented one: none). */
function interconnectsOf(portMap: unknown): string[] {
  const slots = (portMap as { deviceSlots?: unknown } | null)?.deviceSlots;
  if (!Array.isArray(slots)) return [];
  const found = new Set<string>();
  for (const slot of slots) {
    const ports = (slot as { physicalPorts?: unknown } | null)?.physicalPorts;
    if (!Array.isArray(ports)) continue;
    for (const port of ports) {
      const uri = (port as { interconnectUri?: unknown } | null)?.interconnectUri;
      if (typeof uri === 'string' && INTERCONNECT_URI.test(uri)) found.add(uri);
      if (found.size >= MAX_INTERCONNECTS_PER_SERVER) return [...found];
    }
  }
  return [...found];
}
