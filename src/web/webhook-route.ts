import type { Client } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import { pushAlerts } from '../client/poller-operations';
import { parsePushedAlerts } from '../shared/pushed-alerts';
import { knownAppliance } from './appliance-param';
import { readJsonBody } from './request-body';
import type { Route } from './route';
import type { WebMetrics } from './web-metrics';
import { WebError, WebErrorCode } from './web-error';

/** POST /oneview-webhook?appliance=ID: alerts OneView pushes, handed to the appliance's poller. */
export function webhookRoute(deps: { client: Client; metrics: WebMetrics; log: Logger }): Route {
  const { client, metrics, log } = deps;
  return {
    method: 'POST',
    path: '/oneview-webhook',
    auth: 'webhook',
    limited: true,
    async handle({ req, query, requestId }) {
      const appliance = await knownAppliance(client, query.get('appliance'));
      const parsed = parsePushedAlerts(await readJsonBody(req));
      if ('problems' in parsed)
        throw new WebError(400, WebErrorCode.invalidBody, 'the body holds no valid OneView alert', {
          reasons: parsed.problems,
        });
      const workflowId = await pushAlerts(
        client,
        appliance,
        parsed.alerts.map((a) => ({ ...a, requestId })),
      );
      metrics.pushed.inc({ appliance }, parsed.alerts.length);
      metrics.processed.inc({ appliance, source: 'webhook' }, parsed.alerts.length);
      log.info('alerts pushed to the poller', {
        appliance,
        workflowId,
        requestId,
        alertIds: parsed.alerts.map((a) => a.id),
      });
      return { status: 202, json: { accepted: parsed.alerts.length, workflowId, requestId } };
    },
  };
}
