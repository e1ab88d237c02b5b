import type { EnvReader } from './env-reader';

/**
 * Resolves a secret a file names by reference: an environment variable's name (`<what>Env`) or a file path
 * (`<what>File`), at most one. Undefined when neither is given (the caller decides whether that is a problem) or when
 * it cannot be read (a problem is recorded). Problems name neither the variable nor the path: a secret written in
 * their place would be printed.
 */
export function secretRef(
  reader: EnvReader,
  at: string,
  what: string,
  envName: string | undefined,
  file: string | undefined,
): string | undefined {
  if (envName !== undefined && file !== undefined) {
    reader.problems.push(`${at}: set only one of ${what}Env and ${what}File`);
    return undefined;
  }
  if (envName !== undefined) {
    const v = reader.optional(envName);
    if (v === undefined) reader.problems.push(`${at}.${what}Env names an environment variable that is not set`);
    return v;
  }
  if (file !== undefined) {
    const v = reader.readFileOrProblem(file, `${at}.${what}File`, true)?.trim();
    if (v === '') reader.problems.push(`${at}.${what}File names an empty file`);
    return v;
  }
  return undefined;
}
