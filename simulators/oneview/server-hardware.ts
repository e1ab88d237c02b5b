/** A blade as `GET /rest/server-hardware/{id}` shows it: name, enclosure and bay, and maintenance mode (API ≥ 1600). */
export interface ServerHardware {
  type: string;
  uri: string;
  category: 'server-hardware';
  name: string;
  /** The enclosure it sits in (absent for a rack server). */
  locationUri?: string;
  position?: number;
  /** Its ports: each blade's reach both interconnects of the enclosure. */
  portMap?: { deviceSlots: { slotNumber: number; physicalPorts: { portNumber: number; interconnectUri: string }[] }[] };
  maintenanceMode: boolean;
  modified: string;
}

/** The simulator's one enclosure: a Synergy frame with 16 device bays and two interconnect bays. */
export const SIM_ENCLOSURE = { uri: '/rest/enclosures/0000A66101', name: 'Encl1', bays: 16 } as const;

/** The URI of the blade in a bay of the simulator's enclosure (alerts of id N name bay N % 16 + 1). */
export function bladeUri(bay: number): string {
  return `/rest/server-hardware/30373737-3237-4D32-3230-3135303147${String(bay).padStart(2, '0')}`;
}

/** The URI of an interconnect of the simulator's enclosure (bays 1 and 2). */
export function interconnectUri(bay: number): string {
  return `/rest/interconnects/8f1e5b2a-0c3d-4e6f-9a7b-00000000000${bay}`;
}

/**
 * The simulator's topology: one enclosure whose 16 blades and two interconnects exist with the URIs and names its
 * alerts use; any other `/rest/server-hardware/{id}` an alert names exists too, as a rack server outside any
 * enclosure. Servers are out of maintenance until a test puts them in (`POST /_sim/server-hardware`).
 */
export class ServerHardwareStore {
  private readonly inMaintenance = new Set<string>();

  /** The server at this URI (any `/rest/server-hardware/{id}` exists). */
  get(uri: string, apiVersion: number): ServerHardware | Omit<ServerHardware, 'maintenanceMode'> {
    const bay = bayOf(uri);
    const server = {
      type: 'server-hardware-12',
      uri,
      category: 'server-hardware' as const,
      ...(bay === undefined
        ? { name: `rack server ${uri.slice(uri.lastIndexOf('/') + 1).slice(-6)}` }
        : {
            name: `${SIM_ENCLOSURE.name}, bay ${bay}`,
            locationUri: SIM_ENCLOSURE.uri,
            position: bay,
            portMap: {
              deviceSlots: [
                {
                  slotNumber: 3,
                  physicalPorts: [1, 2].map((ic) => ({ portNumber: ic, interconnectUri: interconnectUri(ic) })),
                },
              ],
            },
          }),
      modified: new Date().toISOString(),
    };
    // Maintenance mode came with API 1600: older API versions do not show the field.
    return apiVersion >= 1600 ? { ...server, maintenanceMode: this.inMaintenance.has(uri) } : server;
  }

  /** Every server: the enclosure's blades, bay by bay. */
  list(apiVersion: number) {
    return Array.from({ length: SIM_ENCLOSURE.bays }, (_, i) => this.get(bladeUri(i + 1), apiVersion));
  }

  /** The interconnects (`GET /rest/interconnects`): two, in the enclosure. */
  interconnects() {
    return [1, 2].map((bay) => ({
      type: 'interconnect-8',
      uri: interconnectUri(bay),
      category: 'interconnects',
      name: `${SIM_ENCLOSURE.name}, interconnect ${bay}`,
      enclosureUri: SIM_ENCLOSURE.uri,
      enclosureName: SIM_ENCLOSURE.name,
      interconnectLocation: {
        locationEntries: [
          { type: 'Enclosure', value: SIM_ENCLOSURE.uri },
          { type: 'Bay', value: String(bay) },
        ],
      },
      state: 'Configured',
      status: 'OK',
    }));
  }

  /** The enclosure (`GET /rest/enclosures`), its device and interconnect bays pointing at the resources above. */
  enclosures() {
    return [
      {
        type: 'EnclosureV300',
        uri: SIM_ENCLOSURE.uri,
        category: 'enclosures',
        name: SIM_ENCLOSURE.name,
        enclosureType: 'SY12000',
        status: 'OK',
        deviceBays: Array.from({ length: SIM_ENCLOSURE.bays }, (_, i) => ({
          bayNumber: i + 1,
          devicePresence: 'Present',
          deviceUri: bladeUri(i + 1),
        })),
        interconnectBays: [1, 2].map((bay) => ({ bayNumber: bay, interconnectUri: interconnectUri(bay) })),
      },
    ];
  }

  /** Puts a server in maintenance mode or takes it out. */
  setMaintenance(uri: string, on: boolean): void {
    if (on) this.inMaintenance.add(uri);
    else this.inMaintenance.delete(uri);
  }

  reset(): void {
    this.inMaintenance.clear();
  }
}

/** The bay of one of the enclosure's blades, or undefined for any other server. */
function bayOf(uri: string): number | undefined {
  for (let bay = 1; bay <= SIM_ENCLOSURE.bays; bay++) if (bladeUri(bay) === uri) return bay;
  return undefined;
}
