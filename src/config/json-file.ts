import type { EnvReader } from './env-reader';

/**
 * The parsed contents of a JSON configuration file, or undefined with a problem naming `label`, the path and where
 * parsing stopped.
 */
export function readJsonFile(reader: EnvReader, path: string, label: string): unknown {
  const text = reader.readFileOrProblem(path, label);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    reader.problems.push(`${label} (${path}) is not valid JSON${jsonErrorPlace(text, err)}`);
    return undefined;
  }
}

/**
 * Where JSON.parse stopped, as line and column; never V8's message, which quotes the text around the error, and the
 * file may hold a secret written where a reference belongs.
 */
function jsonErrorPlace(text: string, err: unknown): string {
  const position = /at position (\d+)/.exec((err as Error).message)?.[1];
  if (position === undefined) return '';
  const before = text.slice(0, Number(position)).split('\n');
  return ` (line ${before.length}, column ${(before.at(-1) ?? '').length + 1})`;
}
