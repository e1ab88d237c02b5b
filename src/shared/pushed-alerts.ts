import { type AlertRejectReason, toAlertRecord } from './alert-record';
import type { AlertRecord } from './types';

/** The alerts a pushed body carries, or why it carries none. */
export type PushedAlerts = { alerts: AlertRecord[] } | { problems: string[]; reason: AlertRejectReason };

/** Most alerts one call may carry; larger batches should be split (and the 1 MB body limit applies anyway). */
export const MAX_ALERTS_PER_CALL = 500;

/**
 * Reads what OneView pushes, by webhook or State-Change Message Bus: one alert resource, an array of them, or an SCMB
 * change message (`{ resource, changeType, newState, resourceUri }`, whose `newState` wins over the resource's state).
 * Every problem is reported with where it is, and nothing is accepted from a body with any problem.
 */
export function parsePushedAlerts(body: unknown): PushedAlerts {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) return { problems: ['the body is an empty array'], reason: 'not_an_object' };
  if (items.length > MAX_ALERTS_PER_CALL)
    return {
      problems: [`at most ${MAX_ALERTS_PER_CALL} alerts per call, got ${items.length}`],
      reason: 'not_an_object',
    };
  const alerts: AlertRecord[] = [];
  const problems: string[] = [];
  let reason: AlertRejectReason | undefined;
  items.forEach((item, i) => {
    const where = Array.isArray(body) ? `[${i}]` : '';
    const resource = unwrapScmb(item);
    if ('problem' in resource) {
      problems.push(`${where}${resource.problem}`);
      reason ??= 'not_an_object';
      return;
    }
    const mapped = toAlertRecord(resource.alert);
    if ('problems' in mapped) {
      problems.push(...mapped.problems.map((p) => `${where}${resource.path}${p}`));
      reason ??= mapped.reason;
    } else alerts.push(mapped.record);
  });
  return problems.length > 0 ? { problems, reason: reason ?? 'not_an_object' } : { alerts };
}

function unwrapScmb(item: unknown): { alert: unknown; path: string } | { problem: string } {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    return { problem: 'each alert must be a JSON object' };
  const message = item as { resource?: unknown; changeType?: unknown; newState?: unknown; resourceUri?: unknown };
  if (!('resource' in message) && !('changeType' in message)) return { alert: item, path: '' };
  if (typeof message.resource !== 'object' || message.resource === null)
    return { problem: "an SCMB message needs its 'resource' object" };
  if (message.changeType === 'Deleted')
    return { problem: "SCMB 'Deleted' messages carry no alert state; reconciliation handles deleted alerts" };
  const resource = { ...(message.resource as Record<string, unknown>) };
  if (typeof message.newState === 'string' && message.newState !== '') resource.alertState = message.newState;
  if (resource.uri === undefined && typeof message.resourceUri === 'string') resource.uri = message.resourceUri;
  return { alert: resource, path: 'resource.' };
}
