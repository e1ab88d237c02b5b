import type { ConnectionCheck, TestConnectionInput } from '../shared/types';
import type { ApplianceRegistry } from './appliance-registry';

/**
 * Checks one appliance the way a poll would: version, login, one alerts query, logout; each step timed. It never
 * throws: a failed step is the answer.
 */
export async function testConnection(
  registry: ApplianceRegistry,
  input: TestConnectionInput,
): Promise<ConnectionCheck> {
  const check: ConnectionCheck = { applianceId: input.applianceId, ok: true, steps: [] };
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
    const started = performance.now();
    try {
      const value = await run();
      check.steps.push({ step: name, ok: true, ms: Math.round(performance.now() - started) });
      return value;
    } catch (err) {
      check.ok = false;
      check.steps.push({
        step: name,
        ok: false,
        ms: Math.round(performance.now() - started),
        error: err instanceof Error ? err.message : String(err),
      });
      return undefined;
    }
  };
  try {
    const config = registry.config(input.applianceId);
    const client = registry.client(input.applianceId);
    const version = await step('version', () => client.negotiateVersion());
    if (version === undefined) return check;
    const token = await step('login', () =>
      client.login(
        { userName: config.username, password: config.password, authLoginDomain: config.loginDomain },
        version,
      ),
    );
    if (token === undefined) return check;
    await step('alerts', () => client.getPage('/rest/alerts?start=0&count=1', token, version));
    await step('logout', () => client.logout(token, version));
  } catch (err) {
    check.ok = false;
    check.steps.push({
      step: 'configuration',
      ok: false,
      ms: 0,
      error: err instanceof Error ? err.message : String(err),
    });
  }
  return check;
}
