/** A resource below an enclosure (a blade, an interconnect) and the enclosure it sits in. */
export type EnclosureMap = ReadonlyMap<string, string>;

/** How long a learned topology is used before it is read again: blades move rarely, and a stale answer only misgroups. */
const REFRESH_MS = 10 * 60_000;

/** A resource the cache does not know makes it read again, at most this often (a new blade, a rack server). */
const UNKNOWN_REFRESH_MS = 60_000;

/**
 * Each appliance's topology (resource → enclosure), read in bulk and shared by every poll on this worker: a storm of
 * a hundred alerts costs no GET per alert, and concurrent askers wait for one read.
 */
export class TopologyCache {
  private readonly byAppliance = new Map<string, { loadedAt: number; map: EnclosureMap }>();
  private readonly loading = new Map<string, Promise<EnclosureMap>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The enclosure of each of these resources that has one, reading the topology when it is old or lacks one of them. */
  async enclosuresOf(
    applianceId: string,
    resourceUris: readonly string[],
    load: () => Promise<EnclosureMap>,
  ): Promise<Record<string, string>> {
    const cached = this.byAppliance.get(applianceId);
    const age = cached ? this.now() - cached.loadedAt : Infinity;
    const unknown = resourceUris.some((uri) => !cached?.map.has(uri));
    const map =
      age >= REFRESH_MS || (unknown && age >= UNKNOWN_REFRESH_MS) ? await this.reload(applianceId, load) : cached!.map;
    const found: Record<string, string> = {};
    for (const uri of resourceUris) {
      const enclosure = map.get(uri);
      if (enclosure !== undefined) found[uri] = enclosure;
    }
    return found;
  }

  private reload(applianceId: string, load: () => Promise<EnclosureMap>): Promise<EnclosureMap> {
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
