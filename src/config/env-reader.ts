import { readFileSync } from 'node:fs';

/** Reads a file as UTF-8; injected so tests never touch the real filesystem or environment. */
export type ReadFile = (path: string) => string;

/** The default {@link ReadFile}. */
export const readFileUtf8: ReadFile = (path) => readFileSync(path, 'utf8');

/** Typed reads of environment variables that record problems instead of throwing at the first one. */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly readFile: ReadFile = readFileUtf8,
  ) {}

  /** A trimmed value, or undefined when unset or blank. */
  optional(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  }

  /** A value that must be set. */
  required(name: string, hint = ''): string {
    const v = this.optional(name);
    if (v === undefined) this.problems.push(`${name} is required${hint ? ` (${hint})` : ''}`);
    return v ?? '';
  }

  /**
   * A secret from NAME or from the file named by NAME_FILE (not both), so secrets can come from mounted files. Problems
   * never repeat the file's path: a secret pasted where its path belongs would otherwise be printed.
   */
  secret(name: string, required = true): string | undefined {
    const direct = this.optional(name);
    const file = this.optional(`${name}_FILE`);
    if (direct !== undefined && file !== undefined) {
      this.problems.push(`set only one of ${name} and ${name}_FILE`);
      return undefined;
    }
    if (file !== undefined) {
      try {
        const v = this.readFile(file).trim();
        if (v === '') this.problems.push(`${name}_FILE names an empty file`);
        return v;
      } catch (err) {
        this.problems.push(`${name}_FILE cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
        return undefined;
      }
    }
    if (direct === undefined && required) this.problems.push(`${name} (or ${name}_FILE) is required`);
    return direct;
  }

  /** A whole number within bounds. */
  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
      return fallback;
    }
    return n;
  }

  /** A boolean written as true/false, yes/no, 1/0 or on/off. */
  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const v = raw.toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(v)) return true;
    if (['false', 'no', '0', 'off'].includes(v)) return false;
    this.problems.push(`${name} must be true or false, got '${raw}'`);
    return fallback;
  }

  /**
   * One of a fixed set of values, case-insensitive; `echo: false` for a variable whose name begins a secret's
   * (PAYLOAD_ENCRYPTION, PAYLOAD_ENCRYPTION_KEY), where a wrong value may well be that secret.
   */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T, echo = true): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const match = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
    if (!match) this.problems.push(`${name} must be one of ${allowed.join(', ')}${echo ? `, got '${raw}'` : ''}`);
    return match ?? fallback;
  }

  /** Contents of a file named by NAME, if set; `secret` keeps its path out of problems, as for {@link secret}. */
  fileContents(name: string, secret = false): string | undefined {
    const path = this.optional(name);
    return path === undefined ? undefined : this.readFileOrProblem(path, name, secret);
  }

  /** Contents of a file, or a problem naming `label` (and the path, unless it belongs to a secret) when it cannot be read. */
  readFileOrProblem(path: string, label: string, secret = false): string | undefined {
    try {
      return this.readFile(path);
    } catch (err) {
      this.problems.push(
        `${label}${secret ? '' : ` (${path})`} cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
      return undefined;
    }
  }
}
