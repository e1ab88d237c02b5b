import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** How the Temporal SDK should find a server binary: a path on disk, or its own download as the last resort. */
export type ServerExecutable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

const PROJECT_ROOT = resolve(__dirname, '..');

/**
 * Finds a Temporal binary (`temporal` or `temporal-test-server`): the env override, then the link that
 * scripts/install-temporal.sh made, then PATH; otherwise the SDK downloads it (only works with internet).
 */
export function findTemporalExecutable(name: 'temporal' | 'temporal-test-server'): ServerExecutable {
  const override = name === 'temporal' ? process.env.TEMPORAL_CLI_PATH : process.env.TEMPORAL_TEST_SERVER_PATH;
  const candidates = [
    override,
    join(PROJECT_ROOT, '.temporal', 'bin', name),
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, name)),
  ];
  for (const candidate of candidates) {
    if (candidate && existsSync(candidate)) return { type: 'existing-path', path: realpathSync(candidate) };
  }
  return { type: 'cached-download' };
}
