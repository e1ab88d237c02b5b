import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';

/** Meta keys that must never reach a log line, whatever code passes them. */
const SECRET_KEYS = /pass(word)?|token|routing_?key|secret|authorization|cookie|^auth$|api_?key|private_?key/i;

/** Secret values shorter than this are not scrubbed from lines: they would match ordinary words. */
const MIN_SCRUBBED_LENGTH = 8;

/**
 * Renders one log entry as a JSON line: time, level, msg, then the metadata. Values under secret-looking keys are
 * redacted, and any known secret value found anywhere in the line (an error message that quotes a token, say) is
 * replaced, so a secret reaches no log line by key or by accident.
 */
export function formatLogEntry(entry: LogEntry, secretValues: readonly string[] = []): string {
  const line: Record<string, unknown> = {
    time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
    level: entry.level.toLowerCase(),
    msg: entry.message,
  };
  for (const [key, value] of Object.entries(entry.meta ?? {})) {
    line[key] = SECRET_KEYS.test(key) ? '[redacted]' : value;
  }
  let text = JSON.stringify(line, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  for (const secret of secretValues) {
    if (secret.length < MIN_SCRUBBED_LENGTH) continue;
    // Match the secret as JSON would have escaped it inside a string.
    const escaped = JSON.stringify(secret).slice(1, -1);
    text = text.split(escaped).join('[redacted]');
  }
  return text;
}

/**
 * A Temporal logger that writes JSON lines to stdout, for Runtime.install and for each process's own logs (worker and
 * web share it, so both redact alike); `secretValues` are the process's own secrets, scrubbed from every line.
 */
export function createJsonLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  secretValues: readonly string[] = [],
) {
  return new DefaultLogger(level, (entry) => write(formatLogEntry(entry, secretValues)));
}
