import { log } from '@temporalio/activity';
import type { OneViewLogin, RenewSessionInput } from '../shared/types';
import type { ApplianceRegistry } from './appliance-registry';
import { countPollFailure, type BridgeMetrics } from './bridge-metrics';

/** Logs in to an appliance (negotiating the API version) and only then logs the previous session out. */
export async function renewSession(
  registry: ApplianceRegistry,
  metrics: BridgeMetrics,
  input: RenewSessionInput,
): Promise<OneViewLogin> {
  const config = registry.config(input.applianceId);
  const client = registry.client(input.applianceId);
  const labels = { appliance: input.applianceId };
  const stopTimer = metrics.authDuration.startTimer(labels);
  let apiVersion: number;
  let token: string;
  try {
    apiVersion = await client.negotiateVersion();
    token = await client.login(
      { userName: config.username, password: config.password, authLoginDomain: config.loginDomain },
      apiVersion,
    );
  } catch (err) {
    metrics.sessionActive.set(labels, 0);
    countPollFailure(metrics, input.applianceId, err);
    throw err;
  } finally {
    stopTimer();
  }
  registry.remember(input.applianceId, { token, apiVersion });
  metrics.sessionActive.set(labels, 1);
  if (input.previous) {
    registry.forget(input.applianceId, input.previous.token);
    // Old sessions count against the appliance's per-client cap (960) for 24 h unless logged out.
    await client.logout(input.previous.token, input.previous.apiVersion).catch((err: unknown) => {
      log.warn('logout of the previous OneView session failed', { appliance: input.applianceId, error: String(err) });
    });
  }
  log.info('OneView session opened', { appliance: input.applianceId, apiVersion });
  return { token, apiVersion };
}
