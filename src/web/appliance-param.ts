import type { Client } from '@temporalio/client';
import { applianceIsRunning } from '../client/appliance-directory';
import { APPLIANCE_ID_PATTERN } from '../shared/workflow-ids';
import { WebError, WebErrorCode } from './web-error';

/** The `appliance` query parameter, checked to name an appliance whose poller runs. */
export async function knownAppliance(client: Client, id: string | null): Promise<string> {
  if (!id) throw new WebError(400, WebErrorCode.applianceRequired, "the 'appliance' query parameter is required");
  // Only a well-formed id is echoed back (and looked up): anything else names no appliance.
  if (!APPLIANCE_ID_PATTERN.test(id))
    throw new WebError(404, WebErrorCode.unknownAppliance, 'no poller runs for that appliance');
  if (!(await applianceIsRunning(client, id))) {
    throw new WebError(404, WebErrorCode.unknownAppliance, `no poller runs for appliance '${id}'`);
  }
  return id;
}
