import { parseArgs, serveUntilSignal } from '../common/http-kit';
import { startOneViewSimulator } from './server';

/** `npm run sim:oneview -- --port P [--http] [--username U --password P]` */
async function run(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const username = typeof args.username === 'string' ? args.username : 'administrator';
  const password = typeof args.password === 'string' ? args.password : 'admin-password';
  const sim = await startOneViewSimulator({
    port: typeof args.port === 'string' ? Number(args.port) : 0,
    tls: !args.http,
    users: { [username]: password },
    sessionIdleMs: typeof args['session-idle-ms'] === 'string' ? Number(args['session-idle-ms']) : undefined,
  });
  serveUntilSignal(sim, { msg: 'OneView simulator listening', url: sim.url });
}

run().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
