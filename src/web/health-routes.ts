import type { Client } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import { runningAppliances } from '../client/appliance-directory';
import { pollerStatus } from '../client/poller-operations';
import type { Route } from './route';
import type { WebConfig } from './web-config';
import type { WebMetrics } from './web-metrics';
import { WebError, WebErrorCode } from './web-error';

/** How long one reading of every poller's status serves /health: anonymous callers cannot make it query Temporal faster. */
const HEALTH_CACHE_MS = 1000;

interface PollerHealth {
  healthy: boolean;
  oneview_session_valid: boolean;
  last_poll: string | null;
  last_error: string | null;
}

/** GET /health (minimal for anyone, per appliance for the operator), GET /ready and GET /metrics. */
export function healthRoutes(deps: { config: WebConfig; client: Client; metrics: WebMetrics; log: Logger }): Route[] {
  const { config, client, metrics, log } = deps;
  let cached: { at: number; pollers: Promise<Record<string, PollerHealth>> } | undefined;
  const pollers = () => {
    if (!cached || Date.now() - cached.at > HEALTH_CACHE_MS) {
      const reading = { at: Date.now(), pollers: readPollers(client, config.temporal.taskQueue) };
      reading.pollers.catch(() => (cached = cached === reading ? undefined : cached));
      cached = reading;
    }
    return cached.pollers;
  };
  return [
    {
      method: 'GET',
      path: '/health',
      auth: 'operator-optional',
      limited: true,
      async handle({ caller }) {
        const byId = await pollers();
        const appliances = Object.values(byId);
        const summary = {
          status: appliances.every((p) => p.healthy) ? 'healthy' : 'degraded',
          oneview_configured: appliances.length > 0,
          pagerduty_configured: appliances.length > 0,
        };
        // Appliance ids and their last errors (host names, login failures) are for the operator only.
        return { status: 200, json: caller?.kind === 'operator' ? { ...summary, poller_status: byId } : summary };
      },
    },
    {
      method: 'GET',
      path: '/ready',
      auth: 'none',
      limited: false,
      async handle() {
        try {
          await client.workflowService.describeNamespace({ namespace: config.temporal.namespace });
          return { status: 200, json: { status: 'ready' } };
        } catch (err) {
          // The cause goes to the log: the answer is public, and Temporal's errors name internal addresses.
          log.warn('Temporal not ready', { namespace: config.temporal.namespace, error: (err as Error).message });
          throw new WebError(
            503,
            WebErrorCode.temporalUnavailable,
            `Temporal or namespace '${config.temporal.namespace}' not reachable`,
          );
        }
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      auth: 'none',
      limited: false,
      async handle() {
        return {
          status: 200,
          body: { contentType: metrics.registry.contentType, text: await metrics.registry.metrics() },
        };
      },
    },
  ];
}

async function readPollers(client: Client, taskQueue: string): Promise<Record<string, PollerHealth>> {
  const appliances = await runningAppliances(client, taskQueue);
  const statuses = await Promise.all(appliances.map((id) => pollerStatus(client, id).catch(() => undefined)));
  return Object.fromEntries(
    appliances.map((id, i) => {
      const s = statuses[i];
      return [
        id,
        {
          healthy: s?.lastPollResult === 'ok' && s.sessionValid,
          oneview_session_valid: s?.sessionValid ?? false,
          last_poll: s?.lastPollAt ?? null,
          last_error: s?.lastError ?? null,
        },
      ];
    }),
  );
}
