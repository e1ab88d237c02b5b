import { parseArgs, serveUntilSignal } from '../common/http-kit';
import { startPagerDutySimulator } from './server';

/** `npm run sim:pagerduty -- --port P [--rate-limit N]` */
async function run(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sim = await startPagerDutySimulator({
    port: typeof args.port === 'string' ? Number(args.port) : 0,
    rateLimitPerMinute: typeof args['rate-limit'] === 'string' ? Number(args['rate-limit']) : undefined,
  });
  serveUntilSignal(sim, { msg: 'PagerDuty simulator listening', url: sim.url, eventsUrl: sim.eventsUrl });
}

run().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
