import type { Client } from '@temporalio/client';
import { runningAppliances } from '../client/appliance-directory';
import { forcePoll, testApplianceConnections } from '../client/poller-operations';
import type { ConnectionCheck } from '../shared/types';
import { knownAppliance } from './appliance-param';
import { readNoBody } from './request-body';
import type { Reply, Route } from './route';
import type { WebConfig } from './web-config';
import { WebErrorCode } from './web-error';

/** POST /force-poll and POST /test-connection, for the operator token only. */
export function operatorRoutes(deps: { config: WebConfig; client: Client }): Route[] {
  const { config, client } = deps;
  const targets = async (one: string | null) => (one !== null ? [await knownAppliance(client, one)] : runningAppliances(client, config.temporal.taskQueue));
  return [
    {
      method: 'POST',
      path: '/force-poll',
      auth: 'operator',
      limited: true,
      async handle({ req, query }) {
        await readNoBody(req);
        const workflowIds = await Promise.all((await targets(query.get('appliance'))).map((id) => forcePoll(client, id)));
        return { status: 202, json: { workflowIds } };
      },
    },
    {
      method: 'POST',
      path: '/test-connection',
      auth: 'operator',
      limited: true,
      async handle({ req, query }) {
        await readNoBody(req);
        return connectionReply(await testApplianceConnections(client, config.temporal.taskQueue, await targets(query.get('appliance'))));
      },
    },
  ];
}

/**
 * 200 when every appliance passed; 429 with Retry-After when every check was skipped (tested less than a minute ago,
 * or backing off after a rejected login: another login now could lock the account); 502 otherwise.
 */
export function connectionReply(results: ConnectionCheck[]): Reply {
  if (results.every((r) => r.ok)) return { status: 200, json: { results } };
  if (results.every((r) => r.skipped !== undefined)) {
    const wait = Math.max(1, ...results.map((r) => Math.ceil(r.retryAfterSeconds ?? 60)));
    return { status: 429, json: { error: 'every appliance was tested recently or is backing off; try again later', code: WebErrorCode.connectionTestsSkipped, results }, headers: { 'retry-after': String(wait) } };
  }
  return { status: 502, json: { results } };
}
