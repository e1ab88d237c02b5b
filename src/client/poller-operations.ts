import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { AlertRecord, ConnectionCheck, OpenWindowRequest, PollerStatus, ScmbStatus } from '../shared/types';
import { pollerWorkflowId } from '../shared/workflow-ids';
import {
  alertsPushedSignal,
  closeWindowSignal,
  forcePollSignal,
  openWindowSignal,
  pauseSignal,
  resumeSignal,
  scmbStateSignal,
  statusQuery,
  testConnectionUpdate,
} from '../workflows/messages';
import { runningAppliances } from './appliance-directory';
import { OperatorError, OperatorErrorCode } from './operator-error';

/** Asks an appliance's poller to poll now; answers its workflow ID. */
export async function forcePoll(client: Client, applianceId: string): Promise<string> {
  const workflowId = pollerWorkflowId(applianceId);
  await client.workflow.getHandle(workflowId).signal(forcePollSignal);
  return workflowId;
}

/** Hands pushed alerts to an appliance's poller, which treats them exactly like polled ones. */
export async function pushAlerts(client: Client, applianceId: string, alerts: AlertRecord[]): Promise<string> {
  const workflowId = pollerWorkflowId(applianceId);
  await client.workflow.getHandle(workflowId).signal(alertsPushedSignal, alerts);
  return workflowId;
}

/** Tells an appliance's poller how its message-bus consumer stands. */
export async function reportScmbState(client: Client, applianceId: string, state: ScmbStatus): Promise<void> {
  await client.workflow.getHandle(pollerWorkflowId(applianceId)).signal(scmbStateSignal, state);
}

/**
 * Checks appliances the way a poll would (version, login, one alerts query, logout) on a worker, where the credentials
 * are. An appliance tested less than a minute ago, or whose poller is backing off after a rejected login, is not logged
 * in to again: its check comes back `skipped` with `retryAfterSeconds`.
 */
export async function testApplianceConnections(
  client: Client,
  applianceIds: string[],
  timeoutMs = 60_000,
): Promise<ConnectionCheck[]> {
  return Promise.all(
    applianceIds.map(async (applianceId): Promise<ConnectionCheck> => {
      try {
        return await client.withDeadline(Date.now() + timeoutMs, () =>
          client.workflow.getHandle(pollerWorkflowId(applianceId)).executeUpdate(testConnectionUpdate),
        );
      } catch (err) {
        return { applianceId, ok: false, steps: [{ step: 'poller', ok: false, ms: 0, error: firstLine(err) }] };
      }
    }),
  );
}

/** Opens (or moves the end of) an operator's maintenance window on an appliance's poller; returns its workflow ID. */
export async function openMaintenanceWindow(
  client: Client,
  applianceId: string,
  window: OpenWindowRequest,
): Promise<string> {
  const handle = client.workflow.getHandle(pollerWorkflowId(applianceId));
  await handle.signal(openWindowSignal, window);
  return handle.workflowId;
}

/** Ends an operator's maintenance window on an appliance's poller now; returns its workflow ID. */
export async function closeMaintenanceWindow(client: Client, applianceId: string, id: string): Promise<string> {
  const handle = client.workflow.getHandle(pollerWorkflowId(applianceId));
  await handle.signal(closeWindowSignal, { id });
  return handle.workflowId;
}

/** Reads an appliance poller's status. */
export async function pollerStatus(client: Client, applianceId: string): Promise<PollerStatus> {
  return client.workflow.getHandle(pollerWorkflowId(applianceId)).query(statusQuery);
}

/** One running poller's status, or why it could not be read. */
export interface PollerStatusEntry {
  applianceId: string;
  workflowId: string;
  status?: PollerStatus;
  /** Set when the `status` query failed (no worker answering, the poller just closed, ...). */
  error?: string;
}

/**
 * The status of every poller running on a task queue, found through visibility; each query is bounded by
 * `queryTimeoutMs`, so a poller whose worker is down shows as an error instead of holding the whole answer.
 */
export async function pollerStatuses(
  client: Client,
  taskQueue: string,
  queryTimeoutMs = 10_000,
): Promise<PollerStatusEntry[]> {
  const appliances = await runningAppliances(client, taskQueue);
  return Promise.all(
    appliances.map(async (applianceId): Promise<PollerStatusEntry> => {
      const workflowId = pollerWorkflowId(applianceId);
      try {
        return {
          applianceId,
          workflowId,
          status: await client.withDeadline(Date.now() + queryTimeoutMs, () => pollerStatus(client, applianceId)),
        };
      } catch (err) {
        return { applianceId, workflowId, error: firstLine(err) };
      }
    }),
  );
}

/** Stops an appliance's poller from polling until {@link resumePoller}; reversible, and kept across worker restarts. */
export async function pausePoller(client: Client, applianceId: string): Promise<string> {
  const handle = await runningPoller(client, applianceId);
  await handle.signal(pauseSignal);
  return handle.workflowId;
}

/** Lets a paused poller poll again (a forcePoll sent while it was paused runs now). */
export async function resumePoller(client: Client, applianceId: string): Promise<string> {
  const handle = await runningPoller(client, applianceId);
  await handle.signal(resumeSignal);
  return handle.workflowId;
}

/**
 * Terminates an appliance's poller. Not lasting: the next worker start with the appliance still configured starts it
 * again (ensurePollers); its deliveries keep running and still resolve when cleared alerts are signalled to them.
 */
export async function stopPoller(client: Client, applianceId: string, reason: string): Promise<string> {
  const handle = await runningPoller(client, applianceId);
  await handle.terminate(reason);
  return handle.workflowId;
}

async function runningPoller(client: Client, applianceId: string) {
  const handle = client.workflow.getHandle(pollerWorkflowId(applianceId));
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new OperatorError(
        OperatorErrorCode.notFound,
        `no poller for appliance ${applianceId} (${handle.workflowId}): is the id right?`,
        { cause: err },
      );
    }
    throw err;
  }
  if (status !== 'RUNNING') {
    throw new OperatorError(
      OperatorErrorCode.notRunning,
      `the poller of ${applianceId} is not running (${status.toLowerCase()}); a worker start with the appliance configured, or start-pollers, starts it again`,
    );
  }
  return handle;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error';
}
