import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { ConnectionCheck } from '../shared/types';

const { testConnection } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 1 },
});

/** Checks appliances on a worker (where the credentials are), for the web process's `/test-connection`. */
export async function testConnectionWorkflow(input: { applianceIds: string[] }): Promise<ConnectionCheck[]> {
  return Promise.all(input.applianceIds.map((applianceId) => testConnection({ applianceId })));
}
