import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { AlertDecisionAnswer } from '../shared/types';
import { alertWorkflowId, pollerWorkflowId } from '../shared/workflow-ids';
import type { DeliveryExplanation } from '../workflows/delivery-explanation';
import { alertDecisionQuery, explainQuery } from '../workflows/messages';

/** Why an alert did (not) page: the lines `ops:explain` prints, and what they were built from. */
export interface AlertExplanation {
  lines: string[];
  poller?: AlertDecisionAnswer;
  delivery?: { workflowId: string; status: string; explanation?: DeliveryExplanation };
}

const WHAT: Record<NonNullable<AlertDecisionAnswer['decision']>['what'], string> = {
  dropped: 'dropped by route',
  grouped: 'joined the incident of the alert of what it sits below (enclosure or interconnect):',
  held: 'held: its server was in OneView maintenance mode',
  waiting: 'waited (group wait) for an alert of',
};

/**
 * Explains one alert from Temporal: its delivery's own account (the `explain` query: routes, window, grouping, every
 * send), the send being retried now, and what the poller remembers deciding when there is no delivery (dropped,
 * grouped, held) or what holds it now.
 */
export async function explainAlert(client: Client, applianceId: string, alertId: string): Promise<AlertExplanation> {
  const result: AlertExplanation = { lines: [] };
  try {
    result.poller = await client.workflow.getHandle(pollerWorkflowId(applianceId)).query(alertDecisionQuery, alertId);
  } catch (err) {
    result.lines.push(`  poller       not answering (${firstLine(err)}): what it decided is unknown`);
  }
  const handle = client.workflow.getHandle(alertWorkflowId(applianceId, alertId));
  try {
    const described = await handle.describe();
    result.delivery = { workflowId: handle.workflowId, status: described.status.name };
    try {
      result.delivery.explanation = await handle.query(explainQuery);
      result.lines.unshift(...result.delivery.explanation.lines);
    } catch (err) {
      result.lines.unshift(
        `alert ${alertId} on ${applianceId}: delivery ${handle.workflowId} (${described.status.name})`,
      );
      result.lines.push(`  delivery     cannot be asked (${firstLine(err)})`);
    }
    for (const pending of described.raw.pendingActivities ?? [])
      result.lines.push(
        `  retrying     ${pending.activityType?.name ?? 'send'}: attempt ${pending.attempt ?? 1}${
          pending.lastFailure?.message ? `, last error: ${pending.lastFailure.message.split('\n')[0]}` : ''
        }`,
      );
    if (described.status.name !== 'RUNNING')
      result.lines.push(`  closed       ${described.status.name} at ${described.closeTime?.toISOString() ?? '?'}`);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    result.lines.unshift(`alert ${alertId} on ${applianceId}: no delivery (it never paged on its own)`);
  }
  const p = result.poller;
  if (p) {
    if (p.decision)
      result.lines.push(`  decision     ${p.decision.at}: ${WHAT[p.decision.what]} ${p.decision.detail}`.trimEnd());
    if (p.now) result.lines.push(`  now          ${p.now}`);
    if (!result.delivery && !p.decision && !p.handled)
      result.lines.push(
        `  poller       never saw it: OneView is asked only for ${p.severities.join(', ')} alerts, or it was not polled yet`,
      );
    if (p.handled?.clearedAt) result.lines.push(`  cleared      seen cleared at ${p.handled.clearedAt}`);
  }
  return result;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
