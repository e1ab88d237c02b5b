import { ConfigError } from './config-error';

/**
 * Runs a process's configuration loader; on a ConfigError prints every problem as one JSON line and exits with code 2,
 * so a misconfigured worker or web process stops at start and says everything that is wrong at once.
 */
export function loadOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(
        `${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: err.message, problems: err.problems })}\n`,
      );
      process.exit(2);
    }
    throw err;
  }
}
