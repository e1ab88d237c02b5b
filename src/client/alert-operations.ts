import {
  type Client,
  type WorkflowHandle,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { type WorkflowSerializationContext, WorkflowIdReusePolicy } from '@temporalio/common';
import {
  ALERT_SEVERITY,
  ALERT_STATE,
  DELIVERY_STATE,
  RESOURCE_CATEGORY,
  deliveryStartSearchAttributes,
} from '../shared/search-attributes';
import type { AlertClear, AlertDeliveryInput, DeliveryPhase, DeliveryState } from '../shared/types';
import { alertWorkflowId, parseAlertWorkflowId } from '../shared/workflow-ids';
import type { alertDeliveryWorkflow } from '../workflows/alert-delivery';
import { alertClearedSignal, stateQuery } from '../workflows/messages';
import { type DeliveryFilter, deliveryVisibilityQuery } from './delivery-query';
import { OperatorError, OperatorErrorCode } from './operator-error';

/** One delivery as visibility lists it. */
export interface AlertDeliveryRow {
  workflowId: string;
  applianceId: string;
  alertId: string;
  severity?: string;
  alertState?: string;
  deliveryState?: string;
  resourceCategory?: string;
  /** ISO-8601. */
  startTime: string;
  /** ISO-8601; absent while running. */
  closeTime?: string;
  /** Execution status: RUNNING, COMPLETED, FAILED, TERMINATED, ... */
  status: string;
}

/**
 * Lists alert deliveries from Temporal's visibility store (eventually consistent: a change shows after a moment),
 * newest first, at most `limit` of them.
 */
export async function listAlerts(client: Client, filter: DeliveryFilter, limit = 100): Promise<AlertDeliveryRow[]> {
  const query = deliveryVisibilityQuery(filter);
  const rows: AlertDeliveryRow[] = [];
  if (limit <= 0) return rows;
  for await (const execution of client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
    // The ID names the appliance and alert (the ApplianceId attribute repeats it); one that is not ours is no row.
    const delivery = parseAlertWorkflowId(execution.workflowId);
    if (!delivery) continue;
    const attributes = execution.typedSearchAttributes;
    rows.push({
      workflowId: execution.workflowId,
      ...delivery,
      severity: attributes.get(ALERT_SEVERITY),
      alertState: attributes.get(ALERT_STATE),
      deliveryState: attributes.get(DELIVERY_STATE),
      resourceCategory: attributes.get(RESOURCE_CATEGORY),
      startTime: execution.startTime.toISOString(),
      closeTime: execution.closeTime?.toISOString(),
      status: execution.status.name,
    });
    if (rows.length >= limit) break;
  }
  return rows;
}

/** What {@link resendAlert} did. */
export interface ResendResult {
  workflowId: string;
  /** Run id of the new delivery. */
  runId: string;
  /** How the previous run ended (FAILED, TERMINATED, COMPLETED, ...). */
  previousStatus: string;
  taskQueue: string;
}

/**
 * Delivers an alert again: starts a new run of its delivery workflow (same workflow ID, so the same dedup key and the
 * same PagerDuty incident) with the input of the last run, read from that run's history. Refused while the delivery
 * runs (there is nothing to resend), and for a delivery that completed (its alert was resolved) unless `force`.
 */
export async function resendAlert(
  client: Client,
  options: { applianceId: string; alertId: string; force?: boolean },
): Promise<ResendResult> {
  const workflowId = alertWorkflowId(options.applianceId, options.alertId);
  const handle = client.workflow.getHandle<typeof alertDeliveryWorkflow>(workflowId);
  const description = await describeDelivery(handle, options);
  const previousStatus = description.status.name;
  if (previousStatus === 'RUNNING') {
    // Bounded: with no worker answering, the refusal still comes, only without the phase.
    const phase = await client
      .withDeadline(Date.now() + 10_000, () => handle.query(stateQuery))
      .then((s) => s.phase as string)
      .catch(() => 'unknown: no worker answered its state query');
    throw new OperatorError(
      OperatorErrorCode.deliveryRunning,
      `the delivery of alert ${options.alertId} of ${options.applianceId} is running (phase ${phase}): nothing to resend`,
    );
  }
  if (previousStatus === 'COMPLETED' && !options.force) {
    throw new OperatorError(
      OperatorErrorCode.deliveryResolved,
      `the delivery of alert ${options.alertId} of ${options.applianceId} completed: its incident was resolved; resending re-opens it until the alert is cleared again (use --force to do that anyway)`,
    );
  }
  const input = await lastRunInput(
    client,
    client.workflow.getHandle<typeof alertDeliveryWorkflow>(workflowId, description.runId),
  );
  try {
    const started = await client.workflow.start<typeof alertDeliveryWorkflow>('alertDeliveryWorkflow', {
      workflowId,
      taskQueue: description.taskQueue,
      args: [input],
      // The poller starts deliveries with REJECT_DUPLICATE, so no later poll starts this alert again while it runs; a
      // person resending it is the one case where a closed delivery ID is reused.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      staticSummary: `${input.alert.severity || 'Unknown'} alert ${input.alert.id} (appliance ${input.applianceId}), resent by an operator`,
      ...(input.searchAttributes
        ? { typedSearchAttributes: deliveryStartSearchAttributes(input.applianceId, input.alert) }
        : {}),
    });
    return { workflowId, runId: started.firstExecutionRunId, previousStatus, taskQueue: description.taskQueue };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new OperatorError(
        OperatorErrorCode.deliveryRunning,
        `the delivery of alert ${options.alertId} of ${options.applianceId} was started meanwhile: nothing to resend`,
        { cause: err },
      );
    }
    throw err;
  }
}

/** The input the last run of a delivery started with: the first event of its history, decoded (and decrypted). */
export async function lastRunInput(
  client: Client,
  handle: WorkflowHandle<typeof alertDeliveryWorkflow>,
): Promise<AlertDeliveryInput> {
  const history = await handle.fetchHistory();
  const payloads = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  if (!payloads?.length)
    throw new Error(`failed to read the input of ${handle.workflowId}: its history has no start event input`);
  // What the client does with every result, through the public data converter: the codecs in reverse order (decrypt),
  // then the payload converter.
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  const context: WorkflowSerializationContext = {
    type: 'workflow',
    namespace: client.options.namespace,
    workflowId: handle.workflowId,
  };
  let decoded = payloads;
  for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded, context);
  return payloadConverter.fromPayload<AlertDeliveryInput>(decoded[0]!, context);
}

/** What {@link resolveAlertByHand} achieved within its wait. */
export interface ResolveResult {
  workflowId: string;
  /** Execution status last seen: RUNNING while the resolve is still being sent, COMPLETED once it was. */
  status: string;
  /** The phase last seen: `resolved` once PagerDuty accepted the resolve. */
  phase?: DeliveryPhase;
  resolved: boolean;
}

/** What a delivery is told when a person resolves it. */
export function clearedByHand(note?: string): AlertClear {
  return { reason: 'resolved-by-hand', note: note ?? 'resolved by hand by an operator' };
}

/**
 * Resolves a running delivery's incident by hand: signals `alertCleared` (as if OneView had cleared the alert), then
 * waits up to `waitMs` for the delivery to reach `resolved`. Refused when the delivery is not running.
 */
export async function resolveAlertByHand(
  client: Client,
  options: { applianceId: string; alertId: string; note?: string; waitMs?: number; pollMs?: number },
): Promise<ResolveResult> {
  const workflowId = alertWorkflowId(options.applianceId, options.alertId);
  const handle = client.workflow.getHandle<typeof alertDeliveryWorkflow>(workflowId);
  const description = await describeDelivery(handle, options);
  if (description.status.name !== 'RUNNING') {
    const how =
      description.status.name === 'COMPLETED'
        ? 'completed: its incident is already resolved'
        : `is ${description.status.name.toLowerCase()}`;
    throw new OperatorError(
      OperatorErrorCode.notRunning,
      `the delivery of alert ${options.alertId} of ${options.applianceId} is not running: it ${how}`,
    );
  }
  // Pinned to this run, so waiting never reads a later resend's state.
  const run = client.workflow.getHandle<typeof alertDeliveryWorkflow>(workflowId, description.runId);
  await run.signal(alertClearedSignal, clearedByHand(options.note));
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  for (;;) {
    const seen = await currentPhase(client, run, deadline);
    if (seen.phase === 'resolved' || seen.status !== 'RUNNING' || Date.now() >= deadline) {
      return { workflowId, ...seen, resolved: seen.phase === 'resolved' };
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
  }
}

/** A delivery's status and phase: its `state` query while it runs, its result once it completed. */
async function currentPhase(
  client: Client,
  handle: WorkflowHandle<typeof alertDeliveryWorkflow>,
  deadline: number,
): Promise<{ status: string; phase?: DeliveryPhase }> {
  // A query waits for a worker; bounded so a stopped worker cannot hold the caller past its deadline.
  const bound = Math.max(deadline, Date.now() + 2000);
  const { status } = await client.withDeadline(bound, () => handle.describe());
  if (status.name === 'COMPLETED') return { status: status.name, phase: (await handle.result()).phase };
  if (status.name !== 'RUNNING') return { status: status.name };
  try {
    return { status: status.name, phase: (await client.withDeadline(bound, () => handle.query(stateQuery))).phase };
  } catch {
    return { status: status.name };
  }
}

/** Where a delivery stands: its execution status and, while it runs or after it completed, its state. */
export async function deliveryStatus(
  client: Client,
  options: { applianceId: string; alertId: string },
): Promise<{ workflowId: string; status: string; state?: DeliveryState }> {
  const handle = client.workflow.getHandle<typeof alertDeliveryWorkflow>(
    alertWorkflowId(options.applianceId, options.alertId),
  );
  const description = await describeDelivery(handle, options);
  const status = description.status.name;
  if (status === 'RUNNING') return { workflowId: handle.workflowId, status, state: await handle.query(stateQuery) };
  if (status === 'COMPLETED') return { workflowId: handle.workflowId, status, state: await handle.result() };
  return { workflowId: handle.workflowId, status };
}

async function describeDelivery(handle: WorkflowHandle, options: { applianceId: string; alertId: string }) {
  try {
    return await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new OperatorError(
        OperatorErrorCode.notFound,
        `no delivery of alert ${options.alertId} of ${options.applianceId} (${handle.workflowId}): the alert never paged, or its history is past the namespace's retention`,
        { cause: err },
      );
    }
    throw err;
  }
}
