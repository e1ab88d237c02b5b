import { temporal } from '@temporalio/proto';
import { alertWorkflowId, pollerWorkflowId } from '../../src/shared/workflow-ids';
import { pushedAlert, waitForTriggers } from './deliveries';
import { dedupKey, type BenchAppliance, type Bridge, type Sims } from './stack';

const EventType = temporal.api.enums.v1.EventType;

/** One step of a traced alert: milliseconds after the webhook POST, which workflow, what happened. */
export interface TraceStep {
  ms: number;
  workflow: 'poller' | 'delivery' | 'pagerduty';
  event: string;
}

/**
 * Pushes one alert into an idle bridge and lays the histories of the poller and the delivery side by side: where the
 * time between the webhook and PagerDuty's 202 goes, task by task.
 */
export async function traceOnePush(
  bridge: Bridge,
  sims: Sims,
  appliance: BenchAppliance,
  alertId: number,
): Promise<{ totalMs: number; workflowTasks: number; steps: TraceStep[] }> {
  const t0 = Date.now();
  await bridge.webhook(appliance.id, pushedAlert(alertId));
  const key = dedupKey(appliance.id, String(alertId));
  const arrived = (await waitForTriggers(sims, [key], 60_000)).get(key)!;
  const steps: TraceStep[] = [];
  const read = async (workflow: TraceStep['workflow'], workflowId: string) => {
    const history = await bridge.client.workflow.getHandle(workflowId).fetchHistory();
    for (const e of history.events ?? []) {
      const at = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
      if (at >= t0 && at <= arrived + 50)
        steps.push({ ms: at - t0, workflow, event: String(EventType[e.eventType ?? 0]).replace('EVENT_TYPE_', '') });
    }
  };
  await read('poller', pollerWorkflowId(appliance.id));
  await read('delivery', alertWorkflowId(appliance.id, String(alertId)));
  steps.push({ ms: arrived - t0, workflow: 'pagerduty', event: 'TRIGGER_ACCEPTED_202' });
  steps.sort((a, b) => a.ms - b.ms);
  return {
    totalMs: arrived - t0,
    workflowTasks: steps.filter((s) => s.event === 'WORKFLOW_TASK_COMPLETED').length,
    steps,
  };
}
