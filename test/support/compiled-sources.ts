import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Compiles src/ into lib/ with tsconfig.build.json, as the image's build stage does (`npm run compile`). */
export function compileSources(): void {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
    { stdio: 'inherit' },
  );
}

/**
 * The compiled JavaScript of a source entry point (`src/worker/main.ts` → lib/src/worker/main.js): what the image and
 * the chart run. The tests' global setup compiles once per run.
 */
export function compiledEntry(sourceEntry: string): string {
  const entry = join(ROOT, 'lib', sourceEntry.replace(/\.ts$/, '.js'));
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run compile (the tests' global setup does)`);
  return entry;
}
