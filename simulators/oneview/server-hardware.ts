/** A blade as `GET /rest/server-hardware/{id}` shows it: enough for maintenance mode (API 1600 and later). */
export interface ServerHardware {
  type: string;
  uri: string;
  category: 'server-hardware';
  name: string;
  maintenanceMode: boolean;
  modified: string;
}

/**
 * The simulator's server hardware: every server an alert points at exists (named as its alerts name it), out of
 * maintenance until a test puts it in (`POST /_sim/server-hardware`).
 */
export class ServerHardwareStore {
  private readonly inMaintenance = new Set<string>();

  /** The server at this URI (any `/rest/server-hardware/{id}` exists). */
  get(uri: string, apiVersion: number): ServerHardware | Omit<ServerHardware, 'maintenanceMode'> {
    const id = uri.slice(uri.lastIndexOf('/') + 1);
    const bay = Number.parseInt(id.slice(-2), 10) || 1;
    const server = {
      type: 'server-hardware-12',
      uri,
      category: 'server-hardware' as const,
      name: `Encl1, bay ${bay}`,
      modified: new Date().toISOString(),
    };
    // Maintenance mode came with API 1600: older API versions do not show the field.
    return apiVersion >= 1600 ? { ...server, maintenanceMode: this.inMaintenance.has(uri) } : server;
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
