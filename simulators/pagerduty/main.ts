import { parseArgs } from '../common/http-kit';
import { startPagerDutySimulator } from './server';

/** `npm run sim:pagerduty -- --port P [--rate-limit N]` */
async function run(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const sim = await startPagerDutySimulator({
    port: typeof args.port === 'string' ? Number(args.port) : 0,
    rateLimitPerMinute: typeof args['rate-limit'] === 'string' ? Number(args['rate-limit']) : undefined,
  });
  process.stdout.write(`${JSON.stringify({ msg: 'PagerDuty simulator listening', url: sim.url, eventsUrl: sim.eventsUrl })}\n`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

run().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
