import { startRabbitBroker, type RabbitBroker } from '../../simulators/rabbitmq/broker';
import { startHarness, type Harness } from './bridge-harness';

/** The harness whose simulated appliance has its message bus on a RabbitMQ broker of its own. */
export type ScmbHarness = Harness & { broker: RabbitBroker };

/**
 * Starts a real broker (configured as OneView's: TLS, EXTERNAL, CN users) and the harness publishing to it before a
 * test file's tests, and stops both after them. The broker takes about 10 s to start on 2 cores.
 */
export function useScmbHarness(): () => ScmbHarness {
  let harness: ScmbHarness | undefined;
  let broker: RabbitBroker | undefined;
  beforeAll(async () => {
    broker = await startRabbitBroker();
    harness = Object.assign(await startHarness({ scmb: { broker, certificateGenerationMs: 300 } }), { broker });
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await broker?.stop();
  });
  return () => {
    if (!harness) throw new Error('the message-bus harness is not started');
    return harness;
  };
}
