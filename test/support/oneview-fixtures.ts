import { BridgeError } from '../../src/activities/errors';
import type { ApplianceConfig } from '../../src/config/types';
import type { OneViewSimulator } from '../../simulators/oneview/server';

/** The simulator's default credentials, as the client's tests log in with them. */
export const SIM_CREDENTIALS = { userName: 'administrator', password: 'admin-password' };

/** Awaits a promise that must reject with a BridgeError, and returns that error. */
export async function bridgeFailure(promise: Promise<unknown>): Promise<BridgeError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BridgeError);
  return err as BridgeError;
}

/** Appliance `ov1` on a simulator, trusting the simulator's own certificate. */
export function simulatorAppliance(sim: OneViewSimulator, over: Partial<ApplianceConfig> = {}): ApplianceConfig {
  return {
    id: 'ov1',
    host: sim.url,
    baseUrl: sim.url,
    username: SIM_CREDENTIALS.userName,
    password: SIM_CREDENTIALS.password,
    severities: ['Critical'],
    pollIntervalSeconds: 60,
    sslVerify: true,
    caCertPem: sim.certificatePem,
    routingKey: 'R'.repeat(32),
    ...over,
  };
}
