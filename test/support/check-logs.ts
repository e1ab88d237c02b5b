import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the suite-wide log check found. */
export interface LogCheck {
  files: number;
  jsonLines: number;
  problems: string[];
}

/**
 * Checks every log the run's processes wrote: each stdout line is a JSON object with time, level and msg, and no file
 * (stdout or stderr) contains any registered secret. Problems name the file and the secret's name, never its value.
 */
export function checkLogs(dir: string): LogCheck {
  const result: LogCheck = { files: 0, jsonLines: 0, problems: [] };
  if (!existsSync(dir)) return result;
  const secretsFile = join(dir, 'secrets.json.txt');
  const secrets = existsSync(secretsFile)
    ? readFileSync(secretsFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { name: string; value: string })
    : [];
  for (const name of readdirSync(dir)) {
    if (name === 'secrets.json.txt') continue;
    result.files++;
    const text = readFileSync(join(dir, name), 'utf8');
    for (const secret of secrets) {
      if (text.includes(secret.value)) result.problems.push(`${name} contains the secret ${secret.name}`);
    }
    if (!name.endsWith('.stdout.jsonl')) continue;
    text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .forEach((line, i) => {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (typeof entry.time !== 'string' || typeof entry.level !== 'string' || typeof entry.msg !== 'string') {
            result.problems.push(`${name}:${i + 1} lacks time, level or msg`);
          }
          result.jsonLines++;
        } catch {
          result.problems.push(`${name}:${i + 1} is not a JSON line: ${line.slice(0, 120)}`);
        }
      });
  }
  return result;
}
