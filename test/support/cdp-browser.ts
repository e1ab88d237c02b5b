import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, WebSocket } from 'undici';
import { chromiumPath } from './chromium';
import { waitFor } from './wait-for';
import { exited } from './worker-process';

/**
 * Headless Chromium driven over the DevTools protocol, with its own profile: unlike `--dump-dom`, one browser keeps
 * its cookies and local storage from page to page, so a test can sign in on one origin and use another as a person
 * would.
 */
export async function startBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'bridge-chromium-'));
  const child = spawn(
    chromiumPath(),
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--hide-scrollbars',
      '--window-size=1600,900',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      '--remote-debugging-port=0',
      'about:blank',
    ],
    // Its own process group: Chromium's helper processes go down with it.
    { stdio: 'ignore', detached: true },
  );
  const portFile = join(profile, 'DevToolsActivePort');
  const port = await waitFor(
    'Chromium to listen',
    async () => (existsSync(portFile) ? readFileSync(portFile, 'utf8').split('\n')[0] : undefined),
    Boolean,
    60_000,
  );
  const targets = (await (await request(`http://127.0.0.1:${port}/json/list`)).body.json()) as {
    type: string;
    webSocketDebuggerUrl: string;
  }[];
  const socket = new WebSocket(targets.find((t) => t.type === 'page')!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(method: string) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as {
      id?: number;
      method?: string;
      result?: Record<string, unknown>;
      error?: { message: string };
    };
    if (message.id !== undefined) {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) call?.reject(new Error(message.error.message));
      else call?.resolve(message.result ?? {});
    } else if (message.method) for (const listener of listeners) listener(message.method);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  const nextEvent = (method: string) =>
    new Promise<void>((resolve) => {
      const listener = (m: string) => {
        if (m !== method) return;
        listeners.delete(listener);
        resolve();
      };
      listeners.add(listener);
    });
  await send('Page.enable');

  const browser = {
    /** Loads a page and resolves once it has loaded. */
    async open(url: string): Promise<void> {
      const loaded = nextEvent('Page.loadEventFired');
      await send('Page.navigate', { url });
      await loaded;
    },
    /** Runs a script in the page (promises awaited) and answers its JSON value. */
    async evaluate<T>(expression: string): Promise<T> {
      const { result, exceptionDetails } = (await send('Runtime.evaluate', {
        expression,
        awaitPromise: true,
        returnByValue: true,
      })) as { result: { value: T }; exceptionDetails?: { text: string } };
      if (exceptionDetails) throw new Error(`the page script failed: ${exceptionDetails.text}`);
      return result.value;
    },
    /** Runs a script that makes the page navigate (a form submit) and resolves once the next page has loaded. */
    async submit(expression: string): Promise<void> {
      const loaded = nextEvent('Page.loadEventFired');
      await browser.evaluate(expression);
      await loaded;
    },
    /** The page's visible text. */
    text: () => browser.evaluate<string>('document.body ? document.body.innerText : ""'),
    /** Saves a PNG of the viewport. */
    async screenshot(file: string): Promise<void> {
      const { data } = (await send('Page.captureScreenshot', { format: 'png' })) as { data: string };
      writeFileSync(file, Buffer.from(data, 'base64'));
    },
    async close(): Promise<void> {
      socket.close();
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited(child);
      // Helpers may still be flushing the profile for a moment after the browser process is gone.
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
  return browser;
}
