import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's Chromium, installed by scripts/install-system-deps.sh; CHROMIUM_PATH points elsewhere. */
export function chromiumPath(): string {
  const path =
    process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!path)
    throw new Error('Chromium is not installed: run `bash scripts/install-system-deps.sh` (Debian package chromium)');
  return path;
}

const HEADLESS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--hide-scrollbars',
  '--window-size=1600,900',
];

/** Loads a page in headless Chromium, lets its scripts run for `budgetMs` of virtual time, and returns the rendered DOM. */
export async function renderedDom(url: string, budgetMs = 15_000): Promise<string> {
  const { stdout } = await run(chromiumPath(), [...HEADLESS, `--virtual-time-budget=${budgetMs}`, '--dump-dom', url], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 90_000,
  });
  return stdout;
}

/** Saves a PNG screenshot of a page as headless Chromium renders it. */
export async function screenshot(url: string, file: string, budgetMs = 15_000): Promise<void> {
  await run(chromiumPath(), [...HEADLESS, `--virtual-time-budget=${budgetMs}`, `--screenshot=${file}`, url], {
    timeout: 90_000,
  });
}
