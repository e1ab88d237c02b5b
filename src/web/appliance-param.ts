import type { Client } from '@temporalio/client';
import { applianceIsRunning } from '../client/appliance-directory';
import { WebError, WebErrorCode } from './web-error';

/** The `appliance` query parameter, checked to name an appliance whose poller runs. */
export async function knownAppliance(client: Client, id: string | null): Promise<string> {
  if (!id) throw new WebError(400, WebErrorCode.applianceRequired, "the 'appliance' query parameter is required");
  if (!/^[a-z0-9][a-z0-9.-]{0,62}$/.test(id) || !(await applianceIsRunning(client, id))) {
    throw new WebError(404, WebErrorCode.unknownAppliance, `no poller runs for appliance '${id.slice(0, 64)}'`);
  }
  return id;
}
