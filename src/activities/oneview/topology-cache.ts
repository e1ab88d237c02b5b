/** A resource (a blade, an interconnect) and what it sits below: its enclosure first, then a server's interconnects. */
export type ParentMap = ReadonlyMap<string, string[]>;

/** How long a learned topology is used before it is read again: blades move rarely, and a stale answer only misgroups. */
const REFRESH_MS = 10 * 60_000;

/** A resource the cache does not know makes it read again, at most this often (a new blade, a rack server). */
const UNKNOWN_REFRESH_MS = 60_000;

/**
 * Each appliance's topology (resource → enclosure), read in bulk and shared by every poll on this worker: a storm of
 * a hundred alerts costs no GET per alert, and concurrent askers wait for one read.
 */
export class TopologyCache {
  private readonly byAppliance = new Map<string, { loadedAt: number; map: ParentMap }>();
  private readonly loading = new Map<string, Promise<ParentMap>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** What each of these resources sits below, reading the topology when it is old or lacks one of them. */
  async parentsOf(
    applianceId: string,
    resourceUris: readonly string[],
    load: () => Promise<ParentMap>,
  ): Promise<Record<string, string[]>> {
    const cached = this.byAppliance.get(applianceId);
    const age = cached ? this.now() - cached.loadedAt : Infinity;
    const unknown = resourceUris.some((uri) => !cached?.map.has(uri));
    const map =
      age >= REFRESH_MS || (unknown && age >= UNKNOWN_REFRESH_MS) ? await this.reload(applianceId, load) : cached!.map;
    const found: Record<string, string[]> = {};
    for (const uri of resourceUris) {
      const parents = map.get(uri);
      if (parents !== undefined) found[uri] = parents;
    }
    return found;
  }

  private reload(applianceId: string, load: () => Promise<ParentMap>): Promise<ParentMap> {
    let pending = this.loading.get(applianceId);
    if (!pending) {
      pending = load()
        .then((map) => {
          this.byAppliance.set(applianceId, { loadedAt: this.now(), map });
          return map;
        })
        .finally(() => this.loading.delete(applianceId));
      this.loading.set(applianceId, pending);
    }
    return pending;
  }
}
