import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { OperatorError, OperatorErrorCode } from '../../src/client/operator-error';
import { ConfigError } from '../../src/config/config-error';
import type { TemporalConfig } from '../../src/config/types';
import { ExitCode, OperationFailed, UsageError } from './exit-codes';
import { connectToTemporal, temporalConfigFromEnv } from './temporal-connection';

/** One command-line option. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** May be given more than once; the values arrive as an array. */
  multiple?: boolean;
  required?: boolean;
  /** Placeholder of the value in `--help`, e.g. `ID`. */
  value?: string;
  description: string;
}

/** The parsed values of a command's options, typed from their specs. */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean | undefined : O[K]['multiple'] extends true ? string[] | undefined : string | undefined;
};

/** What a command's `run` gets besides its options. */
export interface CommandContext {
  /** Connects to Temporal with the environment's settings (or the given ones); closed when the command ends. */
  connect(config?: TemporalConfig): Promise<Client>;
  /** The Temporal settings from the environment (throws ConfigError, exit 2). */
  temporalConfig(): TemporalConfig;
  /** Writes to stdout. */
  out(text: string): void;
  /** Writes to stderr. */
  err(text: string): void;
  /** The arguments after the options, for a command that takes them ({@link CommandSpec.positionals}). */
  args: string[];
}

/** An operator script: its options, help text and what it does. */
export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** The script's name, e.g. `force-poll` (its file is `scripts/<name>.ts`, its npm script `ops:<name>`). */
  name: string;
  summary: string;
  /** Paragraphs after the summary in `--help`. */
  details?: string[];
  options: O;
  /** Arguments besides the options, e.g. `ALERT_FILE...`, shown in the usage line; absent: none are accepted. */
  positionals?: string;
  /** Argument lists (without the command) shown under Examples. */
  examples: string[];
  /** Answers the exit code; throwing maps to one (see {@link exitCodeOf}). */
  run(values: OptionValues<O>, context: CommandContext): Promise<ExitCode>;
}

const HELP: OptionSpec = { type: 'boolean', description: 'show this help and exit' };

/** The `--help` text of a command. */
export function helpText<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): string {
  const options = Object.entries({ ...spec.options, help: HELP }).map(([name, o]) => {
    const flag = `${name === 'help' ? '-h, ' : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    const notes = [o.required ? 'required' : '', o.multiple ? 'repeatable' : ''].filter(Boolean).join(', ');
    return [flag, `${o.description}${notes ? ` (${notes})` : ''}`] as const;
  });
  const width = Math.max(...options.map(([flag]) => flag.length)) + 2;
  return [
    `Usage: npm run ops:${spec.name} -- [options]${spec.positionals ? ` ${spec.positionals}` : ''}`,
    `   or: npx tsx scripts/${spec.name}.ts [options]${spec.positionals ? ` ${spec.positionals}` : ''}`,
    '',
    spec.summary,
    ...(spec.details ?? []).flatMap((p) => ['', p]),
    '',
    'Options:',
    ...options.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`),
    '',
    'Environment: TEMPORAL_ADDRESS (localhost:7233), TEMPORAL_NAMESPACE (default), TEMPORAL_TASK_QUEUE',
    '(oneview-pagerduty-bridge), PAYLOAD_ENCRYPTION_KEY or _FILE (or PAYLOAD_ENCRYPTION=off), TEMPORAL_TLS_*, TEMPORAL_API_KEY:',
    'the same values as the worker. See docs/operations.md.',
    '',
    'Examples:',
    ...spec.examples.map((e) => `  npm run ops:${spec.name} --${e ? ` ${e}` : ''}`),
    '',
  ].join('\n');
}

/** Parses argv; throws UsageError for an unknown option, a missing value or a missing required option. */
export function parseOptions<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv: string[]): OptionValues<O> & { help?: boolean; _: string[] } {
  const options = Object.fromEntries(
    Object.entries({ ...spec.options, help: HELP }).map(([name, o]) => [name, { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(name === 'help' ? { short: 'h' } : {}) }]),
  );
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: spec.positionals !== undefined }));
  } catch (err) {
    throw new UsageError(parseErrorMessage(err));
  }
  values._ = positionals;
  if (values.help) return values as OptionValues<O> & { help?: boolean; _: string[] };
  for (const [name, o] of Object.entries(spec.options)) {
    const value = values[name];
    if (o.required && (value === undefined || (Array.isArray(value) && value.length === 0))) throw new UsageError(`--${name} is required`);
    if (o.type === 'string' && (typeof value === 'string' ? [value] : Array.isArray(value) ? (value as string[]) : []).some((v) => v.trim() === '')) {
      throw new UsageError(`--${name} must not be empty`);
    }
  }
  return values as OptionValues<O> & { help?: boolean; _: string[] };
}

/** node:util's messages are long and multi-sentence; the first sentence, lower-cased, is the useful part. */
function parseErrorMessage(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted) return `unknown option '${quoted}'`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && quoted) return `unexpected argument '${quoted}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /Option '([^']+)'/.exec(message)?.[1]?.replace(/^-\w, /, '').replace(/ <value>$/, '');
    return option && /argument missing/.test(message) ? `${option} needs a value` : (message.split('. ')[0] ?? message);
  }
  return message.split('\n')[0] ?? message;
}

/** The exit code of an error thrown by a command, and the line (or lines, for configuration) to print. */
export function exitCodeOf(name: string, err: unknown): { code: ExitCode; message: string } {
  if (err instanceof UsageError) return { code: ExitCode.usage, message: `${name}: ${err.message}; see --help` };
  if (err instanceof OperatorError && err.code === OperatorErrorCode.invalidFilter) {
    return { code: ExitCode.usage, message: `${name}: ${err.message}; see --help` };
  }
  if (err instanceof ConfigError) return { code: ExitCode.usage, message: `${name}: ${err.message}` };
  if (err instanceof OperationFailed || err instanceof OperatorError) return { code: ExitCode.failed, message: `${name}: ${err.message}` };
  const text = err instanceof Error ? err.message : String(err);
  return { code: ExitCode.failed, message: `${name}: failed: ${text.split('\n')[0]}` };
}

/**
 * Runs a command as a script: parses `process.argv`, prints `--help`, runs it, prints an error on one line (never a
 * stack trace), closes the Temporal connection and sets the exit code (0 ok, 1 failed, 2 usage or configuration).
 */
export function runCommand<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv = process.argv.slice(2)): void {
  const clients: Client[] = [];
  const context: CommandContext = {
    temporalConfig: () => temporalConfigFromEnv(process.env),
    async connect(config) {
      const client = await connectToTemporal(config ?? temporalConfigFromEnv(process.env));
      clients.push(client);
      return client;
    },
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    args: [],
  };
  const main = async (): Promise<ExitCode> => {
    const values = parseOptions(spec, argv);
    context.args = values._;
    if (values.help) {
      context.out(helpText(spec));
      return ExitCode.ok;
    }
    return spec.run(values, context);
  };
  void main()
    .catch((err: unknown) => {
      const { code, message } = exitCodeOf(spec.name, err);
      context.err(`${message}\n`);
      return code;
    })
    .then(async (code) => {
      process.exitCode = code;
      await Promise.allSettled(clients.map((c) => c.connection.close()));
      // Nothing should be left running; if something is (a stuck gRPC call), do not hang the operator's shell.
      setTimeout(() => process.exit(code), 2000).unref();
    });
}
