import type { EnvReader } from './env-reader';
import type { ScmbConfig } from './types';

/** The port of an appliance's message bus: AMQP over TLS. */
const SCMB_PORT = 5671;
/** How often an appliance whose message bus is connected is still polled, as the safety net. */
const SCMB_POLL_INTERVAL_SECONDS = 900;

/** The message-bus settings file entries inherit: ONEVIEW_SCMB_PORT and ONEVIEW_SCMB_POLL_INTERVAL. */
export function readScmbDefaults(reader: EnvReader): ScmbConfig {
  return {
    port: reader.integer('ONEVIEW_SCMB_PORT', SCMB_PORT, 1, 65_535),
    pollIntervalSeconds: reader.integer('ONEVIEW_SCMB_POLL_INTERVAL', SCMB_POLL_INTERVAL_SECONDS, 1, 86_400),
  };
}

/** An APPLIANCES_FILE entry's `scmb`, `scmbPort` and `scmbPollIntervalSeconds`; undefined while `scmb` is not true. */
export function readScmbEntry(
  e: Record<string, unknown>,
  at: string,
  defaults: ScmbConfig,
  problems: string[],
): ScmbConfig | undefined {
  if (e.scmb !== undefined && typeof e.scmb !== 'boolean') problems.push(`${at}.scmb must be true or false`);
  const whole = (key: string, fallback: number, max: number) => {
    const n = e[key];
    if (n === undefined) return fallback;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max) return n;
    problems.push(`${at}.${key} must be a whole number from 1 to ${max}`);
    return fallback;
  };
  const port = whole('scmbPort', defaults.port, 65_535);
  const pollIntervalSeconds = whole('scmbPollIntervalSeconds', defaults.pollIntervalSeconds, 86_400);
  if (e.scmb !== true) {
    if (e.scmbPort !== undefined || e.scmbPollIntervalSeconds !== undefined)
      problems.push(`${at}: scmbPort and scmbPollIntervalSeconds need "scmb": true`);
    return undefined;
  }
  return { port, pollIntervalSeconds };
}
