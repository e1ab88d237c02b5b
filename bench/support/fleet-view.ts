import { temporal } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import type { RecordedRequest } from '../../simulators/oneview/server';
import { simCall } from '../../simulators/control-client';
import { pollerWorkflowId } from '../../src/shared/workflow-ids';
import { mapLimit } from './processes';
import type { Sims } from './stack';
import { percentile, round } from './stats';

/** OneView requests the first `count` simulators answered between two instants, by method and path. */
export async function oneViewRequests(
  sims: Sims,
  count: number,
  from: number,
  to: number,
): Promise<{ total: number; byEndpoint: Record<string, number> }> {
  const lists = await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    16,
    (i) => simCall<RecordedRequest[]>(sims.ready.oneView[i]!.url, 'GET', '/_sim/requests'),
  );
  const byEndpoint: Record<string, number> = {};
  let total = 0;
  for (const list of lists) {
    for (const r of list) {
      const at = Date.parse(r.at);
      if (at < from || at >= to) continue;
      const key = `${r.method} ${r.path}`;
      byEndpoint[key] = (byEndpoint[key] ?? 0) + 1;
      total++;
    }
  }
  return { total, byEndpoint };
}

const EventType = temporal.api.enums.v1.EventType;

/** What one poller's history says about its polls inside a window. */
export interface PollHistory {
  workflowId: string;
  /** Polls (fetchAlertChanges activities scheduled, or their local-activity markers) inside the window. */
  polls: number;
  /** History events per poll: events between consecutive fetchAlertChanges, median and max. */
  eventsPerPollMedian: number;
  eventsPerPollMax: number;
  /** The event types of one idle poll, in order. */
  onePoll: string[];
  /** Seconds between consecutive polls (the interval plus the poll's own time and any queueing). */
  intervalSeconds: { p50: number; p99: number; max: number };
}

/** Whether an event is a poll: a scheduled fetchAlertChanges activity, or the marker a local one leaves. */
function isFetch(e: temporal.api.history.v1.IHistoryEvent): boolean {
  if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    return e.activityTaskScheduledEventAttributes?.activityType?.name === 'fetchAlertChanges';
  const marker = e.markerRecordedEventAttributes;
  if (e.eventType !== EventType.EVENT_TYPE_MARKER_RECORDED || marker?.markerName !== 'core_local_activity')
    return false;
  // The core's own marker data (json/plain, never the payload codec's): seq, attempt, activity_id, activity_type, ...
  const data = marker.details?.data?.payloads?.[0]?.data;
  return (
    data !== undefined &&
    data !== null &&
    (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string }).activity_type === 'fetchAlertChanges'
  );
}

/** Reads a poller's current run's history and counts events per poll inside [from, to). */
export async function pollHistory(client: Client, applianceId: string, from: number, to: number): Promise<PollHistory> {
  const workflowId = pollerWorkflowId(applianceId);
  const handle = client.workflow.getHandle(workflowId);
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const time = (e: (typeof events)[number]) =>
    Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
  const pollStarts: number[] = [];
  events.forEach((e, i) => {
    if (isFetch(e)) {
      const t = time(e);
      if (t >= from && t < to) pollStarts.push(i);
    }
  });
  const gaps = pollStarts
    .slice(1)
    .map((idx, k) => idx - pollStarts[k]!)
    .sort((a, b) => a - b);
  const intervals = pollStarts
    .slice(1)
    .map((idx, k) => (time(events[idx]!) - time(events[pollStarts[k]!]!)) / 1000)
    .sort((a, b) => a - b);
  const one =
    pollStarts.length >= 2 ? events.slice(pollStarts[pollStarts.length - 2]!, pollStarts[pollStarts.length - 1]!) : [];
  return {
    workflowId,
    polls: pollStarts.length,
    eventsPerPollMedian: percentile(gaps, 50),
    eventsPerPollMax: gaps[gaps.length - 1] ?? Number.NaN,
    onePoll: one.map((e) => String(EventType[e.eventType ?? 0]).replace('EVENT_TYPE_', '')),
    intervalSeconds: {
      p50: round(percentile(intervals, 50), 2),
      p99: round(percentile(intervals, 99), 2),
      max: round(intervals[intervals.length - 1] ?? Number.NaN, 2),
    },
  };
}
