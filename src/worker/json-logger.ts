import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';

/** Meta keys that must never reach a log line, whatever code passes them. */
const SECRET_KEYS = /pass(word)?|token|routing_?key|secret|authorization|^auth$/i;

/** Renders one log entry as a JSON line: time, level, msg, then the metadata (secrets redacted). */
export function formatLogEntry(entry: LogEntry): string {
  const line: Record<string, unknown> = {
    time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
    level: entry.level.toLowerCase(),
    msg: entry.message,
  };
  for (const [key, value] of Object.entries(entry.meta ?? {})) {
    line[key] = SECRET_KEYS.test(key) ? '[redacted]' : value;
  }
  return JSON.stringify(line, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A Temporal logger that writes JSON lines to stdout, for Runtime.install and for our own process logs. */
export function createJsonLogger(level: LogLevel, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)) {
  return new DefaultLogger(level, (entry) => write(formatLogEntry(entry)));
}
