import { ConfigError } from '../../../src/config/config-error';
import { loadConfig } from '../../../src/config/load-config';

/** Routing keys the sample environment holds: one by variable (PD_FACILITIES), one by file (/run/secrets/storage). */
export const FACILITIES = 'F'.repeat(32);
export const STORAGE = 'S'.repeat(32);

/** The worker's configuration of one appliance with this ROUTES_FILE (JSON text, or a value to serialise). */
export function loadWithRoutesFile(routes: unknown, env: Record<string, string> = {}) {
  const files: Record<string, string> = {
    '/etc/bridge/routes.json': typeof routes === 'string' ? routes : JSON.stringify(routes),
    '/run/secrets/storage': `${STORAGE}\n`,
  };
  return loadConfig(
    {
      ONEVIEW_HOST: 'ov-prod.example.com',
      ONEVIEW_APPLIANCE_ID: 'ov-prod',
      ONEVIEW_USERNAME: 'bridge',
      ONEVIEW_PASSWORD: 'pw',
      PAGERDUTY_ROUTING_KEY: 'D'.repeat(32),
      PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      ROUTES_FILE: '/etc/bridge/routes.json',
      PD_FACILITIES: FACILITIES,
      ...env,
    },
    (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
  );
}

/** Every problem the configuration loader lists for this ROUTES_FILE (it must list some). */
export function routesFileProblems(routes: unknown): string[] {
  try {
    loadWithRoutesFile(routes);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
