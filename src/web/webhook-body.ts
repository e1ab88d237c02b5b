import { toAlertRecord } from '../shared/alert-record';
import type { AlertRecord } from '../shared/types';

/** The alerts a webhook body carries, or why it carries none. */
export type WebhookAlerts = { alerts: AlertRecord[] } | { problems: string[] };

/** Most alerts one call may carry; larger batches should be split (and the 1 MB body limit applies anyway). */
export const MAX_ALERTS_PER_CALL = 500;

/**
 * Reads a OneView webhook body: one alert resource, an array of them, or an SCMB-style change message
 * (`{ resource, changeType, newState, resourceUri }`, whose `newState` wins over the resource's state). Every problem
 * is reported with where it is, and nothing is accepted from a body with any problem.
 */
export function parseWebhookBody(body: unknown): WebhookAlerts {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) return { problems: ['the body is an empty array'] };
  if (items.length > MAX_ALERTS_PER_CALL)
    return { problems: [`at most ${MAX_ALERTS_PER_CALL} alerts per call, got ${items.length}`] };
  const alerts: AlertRecord[] = [];
  const problems: string[] = [];
  items.forEach((item, i) => {
    const where = Array.isArray(body) ? `[${i}]` : '';
    const resource = unwrapScmb(item);
    if ('problem' in resource) {
      problems.push(`${where}${resource.problem}`);
      return;
    }
    const mapped = toAlertRecord(resource.alert);
    if ('problems' in mapped) problems.push(...mapped.problems.map((p) => `${where}${resource.path}${p}`));
    else alerts.push(mapped.record);
  });
  return problems.length > 0 ? { problems } : { alerts };
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
