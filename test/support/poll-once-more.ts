import type { Client } from '@temporalio/client';
import { forcePoll, pollerStatus } from '../../src/client/poller-operations';
import { waitFor } from './wait-for';

/** Sends `forcePoll` and waits until that poll has finished. */
export async function pollOnceMore(client: Client, applianceId: string): Promise<void> {
  const before = (await pollerStatus(client, applianceId)).counters.polls;
  await forcePoll(client, applianceId);
  await waitFor(
    `poll ${before + 1} of ${applianceId}`,
    () => pollerStatus(client, applianceId),
    (s) => s.counters.polls === before + 1,
  );
}
