import type { Client } from '@temporalio/client';
import { alertFactsOf, routeAlert } from '../routing/route-alert';
import { DEFAULT_ROUTE, type RouteRule } from '../routing/route-types';
import { deliveriesQuery } from '../shared/visibility-query';
import { parseAlertWorkflowId } from '../shared/workflow-ids';
import { lastRunInput } from './alert-operations';

/** Deliveries whose input is read at once: enough to keep the frontend busy without flooding it. */
const CONCURRENCY = 32;

/** One recorded alert that a candidate rule file would route differently. */
export interface RoutingDifference {
  applianceId: string;
  alertId: string;
  severity: string;
  resource?: string;
  /** The routes it paged through when it was delivered. */
  recorded: string[];
  /** The routes the candidate rules choose; `drop:<route>` when one of them drops it. */
  candidate: string[];
}

/** What a replay read and found. */
export interface RoutingReplay {
  read: number;
  /** Deliveries whose input could not be read (e.g. encrypted under a key this process lacks). */
  unreadable: number;
  differences: RoutingDifference[];
}

/**
 * Runs the alerts delivered since `since` (their recorded inputs, read from history and decrypted) through candidate
 * rules, and lists each one whose routes would differ from those it paged through. Alerts that were dropped were never
 * delivered, so they are not in the record.
 */
export async function replayRouting(
  client: Client,
  options: { taskQueue: string; since: Date; applianceId?: string; limit: number },
  rules: readonly RouteRule[],
): Promise<RoutingReplay> {
  const query = deliveriesQuery({
    taskQueue: options.taskQueue,
    includeClosed: true,
    startedAfter: options.since,
    ...(options.applianceId ? { applianceId: options.applianceId } : {}),
  });
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query, pageSize: 1000 })) {
    if (parseAlertWorkflowId(execution.workflowId)) ids.push(execution.workflowId);
    if (ids.length >= options.limit) break;
  }
  const result: RoutingReplay = { read: 0, unreadable: 0, differences: [] };
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        const input = await lastRunInput(client, client.workflow.getHandle(id));
        result.read++;
        const recorded = input.targets?.length ? input.targets.map((t) => t.route) : [DEFAULT_ROUTE];
        const decision = routeAlert(rules, alertFactsOf(input.applianceId, input.alert));
        const candidate = 'dropped' in decision ? [`drop:${decision.dropped}`] : decision.targets.map((t) => t.route);
        if (candidate.join(',') !== recorded.join(','))
          result.differences.push({
            applianceId: input.applianceId,
            alertId: input.alert.id,
            severity: input.alert.severity,
            ...(input.alert.resourceName ? { resource: input.alert.resourceName } : {}),
            recorded,
            candidate,
          });
      } catch {
        result.unreadable++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  result.differences.sort((a, b) => a.applianceId.localeCompare(b.applianceId) || a.alertId.localeCompare(b.alertId));
  return result;
}
