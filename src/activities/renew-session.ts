import { log } from '@temporalio/activity';
import type { OneViewLogin, RenewSessionInput } from '../shared/types';
import type { ApplianceRegistry } from './appliance-registry';

/** Logs in to an appliance (negotiating the API version) and only then logs the previous session out. */
export async function renewSession(registry: ApplianceRegistry, input: RenewSessionInput): Promise<OneViewLogin> {
  const config = registry.config(input.applianceId);
  const client = registry.client(input.applianceId);
  const apiVersion = await client.negotiateVersion();
  const token = await client.login(
    { userName: config.username, password: config.password, authLoginDomain: config.loginDomain },
    apiVersion,
  );
  if (input.previous) {
    // Old sessions count against the appliance's per-client cap (960) for 24 h unless logged out.
    await client.logout(input.previous.token, input.previous.apiVersion).catch((err: unknown) => {
      log.warn('logout of the previous OneView session failed', { applianceId: input.applianceId, error: String(err) });
    });
  }
  log.info('OneView session opened', { applianceId: input.applianceId, apiVersion });
  return { token, apiVersion };
}
