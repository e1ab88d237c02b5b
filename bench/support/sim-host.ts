/**
 * The simulators of a bench run, in a process of their own so that serving OneView pages and PagerDuty posts does not
 * compete with the bench driver's timing loop: N OneView appliances (one simulator each, HTTPS with its own CA or
 * plain HTTP) and one PagerDuty Events API. Configured by BENCH_SIM_CONFIG; prints one JSON line when ready; exits when
 * the driver goes away.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOneViewSimulator, type OneViewSimulator } from '../../simulators/oneview/server';
import { startRabbitBroker, type RabbitBroker } from '../../simulators/rabbitmq/broker';
import { startPagerDutySimulator } from '../../simulators/pagerduty/server';

/** What the sim host is asked to start. */
export interface SimHostConfig {
  appliances: number;
  tls: boolean;
  /** Where the CA certificates of HTTPS simulators are written (one PEM per appliance). */
  certDir: string;
  password: string;
  /** Indexes of the appliances that get a message bus of their own (a RabbitMQ broker each, as an appliance has). */
  scmb?: number[];
}

/** What it started. */
export interface SimHostReady {
  oneView: { url: string; caFile?: string; scmbPort?: number }[];
  pagerDuty: { url: string; eventsUrl: string };
}

async function run(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_SIM_CONFIG ?? '{}') as SimHostConfig;
  mkdirSync(config.certDir, { recursive: true });
  const sims: OneViewSimulator[] = [];
  const oneView: SimHostReady['oneView'] = [];
  const brokers: RabbitBroker[] = [];
  for (let i = 0; i < config.appliances; i++) {
    const broker = config.scmb?.includes(i) ? await startRabbitBroker() : undefined;
    if (broker) brokers.push(broker);
    const sim = await startOneViewSimulator({
      tls: config.tls,
      users: { administrator: config.password },
      ...(broker ? { scmb: { broker, certificateGenerationMs: 300 } } : {}),
    });
    sims.push(sim);
    let caFile: string | undefined;
    if (sim.certificatePem) {
      caFile = join(config.certDir, `appliance-${i}.pem`);
      writeFileSync(caFile, sim.certificatePem);
    }
    oneView.push({ url: sim.url, caFile, ...(broker ? { scmbPort: broker.port } : {}) });
  }
  // Unthrottled at start; scenarios set PagerDuty's real 120/min through the control API when they want it.
  const pagerDuty = await startPagerDutySimulator({ rateLimitPerMinute: 0 });
  const ready: SimHostReady = { oneView, pagerDuty: { url: pagerDuty.url, eventsUrl: pagerDuty.eventsUrl } };
  process.stdout.write(`${JSON.stringify({ msg: 'sims ready', ...ready })}\n`);
  const stop = () => {
    void Promise.all([...sims.map((s) => s.close()), pagerDuty.close()])
      .then(() => Promise.all(brokers.map((b) => b.stop())))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}

run().catch((err: unknown) => {
  process.stderr.write(`sim host failed: ${String(err)}\n`);
  process.exit(1);
});
