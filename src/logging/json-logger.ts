import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';

/** Meta keys that must never reach a log line, whatever code passes them. */
const SECRET_KEYS = /pass(word)?|token|routing_?key|secret|authorization|cookie|^auth$|api_?key|private_?key/i;

/** Secret values shorter than this are not scrubbed from lines: they would match ordinary words. */
const MIN_SCRUBBED_LENGTH = 8;

const LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * Where the Temporal runtime puts the time of a forwarded core log line; `Symbol.for`, so it is the SDK's own symbol
 * without loading the native worker package (the web process has no use for it).
 */
const LOG_TIMESTAMP = Symbol.for('log_timestamp');

/** One log line before it is rendered. */
export interface LogLine {
  level: LogLevel;
  message: string;
  meta?: LogMetadata;
  /** Nanoseconds since the epoch. */
  timestampNanos: bigint;
}

/**
 * Renders one log line as JSON: time, level, msg, then the metadata. Values under secret-looking keys are redacted, and
 * any known secret value found anywhere in the line (an error message that quotes a token, say) is replaced, so a
 * secret reaches no log line by key or by accident.
 */
export function formatLogEntry(entry: LogLine, secretValues: readonly string[] = []): string {
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
 * A Temporal `Logger` that writes JSON lines to stdout, for `Runtime.install` and for each process's own logs (worker
 * and web share it, so both redact alike); `secretValues` are the process's own secrets, scrubbed from every line.
 */
export function createJsonLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  secretValues: readonly string[] = [],
): Logger {
  const floor = LEVELS.indexOf(level);
  const log = (lineLevel: LogLevel, message: string, meta?: LogMetadata) => {
    if (LEVELS.indexOf(lineLevel) < floor) return;
    const { [LOG_TIMESTAMP]: stamped, ...rest } = (meta ?? {}) as LogMetadata & { [LOG_TIMESTAMP]?: bigint };
    const timestampNanos = typeof stamped === 'bigint' ? stamped : BigInt(Date.now()) * 1_000_000n;
    write(
      formatLogEntry(
        { level: lineLevel, message, meta: Object.keys(rest).length > 0 ? rest : undefined, timestampNanos },
        secretValues,
      ),
    );
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
