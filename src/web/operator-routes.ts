import type { Client } from '@temporalio/client';
import { runningAppliances } from '../client/appliance-directory';
import { forcePoll, testApplianceConnections } from '../client/poller-operations';
import { knownAppliance } from './appliance-param';
import { readNoBody } from './request-body';
import { connectionReply } from './connection-reply';
import type { Route } from './route';
import type { WebConfig } from './web-config';

/** POST /force-poll and POST /test-connection, for the operator token only. */
export function operatorRoutes(deps: { config: WebConfig; client: Client }): Route[] {
  const { config, client } = deps;
  const targets = async (one: string | null) =>
    one !== null ? [await knownAppliance(client, one)] : runningAppliances(client, config.temporal.taskQueue);
  return [
    {
      method: 'POST',
      path: '/force-poll',
      auth: 'operator',
      limited: true,
      async handle({ req, query }) {
        await readNoBody(req);
        const workflowIds = await Promise.all(
          (await targets(query.get('appliance'))).map((id) => forcePoll(client, id)),
        );
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
        return connectionReply(await testApplianceConnections(client, await targets(query.get('appliance'))));
      },
    },
  ];
}
