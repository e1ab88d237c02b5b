import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { startBrowser } from '../support/cdp-browser';
import { renderedDom } from '../support/chromium';
import { waitFor } from '../support/wait-for';
import { exited } from '../support/worker-process';
import { findTemporalExecutable } from '../../scripts/temporal-binaries';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

/** The temporal CLI the demo's dev server runs. */
function temporalBinary(): string {
  const found = findTemporalExecutable('temporal');
  if (found.type !== 'existing-path') throw new Error('the temporal CLI is not installed: npm run temporal:install');
  return found.path;
}

async function listWorkflows(uiBase: string): Promise<{ workflowId: string; runId: string }[]> {
  const res = await request(`${uiBase}/api/v1/namespaces/default/workflows`);
  const body = (await res.body.json()) as { executions?: { execution: { workflowId: string; runId: string } }[] };
  return (body.executions ?? []).map((e) => e.execution);
}

async function listWorkflowIds(uiBase: string): Promise<string[]> {
  return (await listWorkflows(uiBase)).map((e) => e.workflowId);
}

/** What the Temporal Web UI keeps in local storage when a person sets its Codec Server to this endpoint with cookies. */
const codecSettings = (endpoint: string) =>
  `localStorage.setItem('endpoint', ${JSON.stringify(JSON.stringify(endpoint))}); localStorage.setItem('includeCredentials', 'true'); ` +
  `localStorage.setItem('overrideRemoteCodecConfiguration', 'true'); localStorage.setItem('passAccessToken', 'false'); true`;

test('the demo pages, resolves, shows its workflows in the Web UI, and Ctrl-C stops everything', async () => {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DEMO_EXIT_AFTER: '120',
  };
  const demo = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  demo.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  demo.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const ui = await waitFor(
      'the Web UI URL',
      async () => /Temporal Web UI: (http:\/\/[\d.:]+)/.exec(output)?.[1],
      Boolean,
      60_000,
    );
    const uiBase = ui!;
    const ids = await waitFor(
      'poller and alert workflows in the Web UI',
      () => listWorkflowIds(uiBase),
      (list) =>
        list.includes('oneview-poller/demo-synergy') &&
        list.filter((id) => id.startsWith('oneview-alert/demo-synergy/')).length === 5,
      60_000,
    );
    expect(ids).toContain('oneview-poller/demo-synergy');
    await waitFor(
      'a trigger and the resolve printed',
      async () => output,
      (o) => /PagerDuty TRIGGER/.test(o) && /PagerDuty RESOLVE/.test(o),
      60_000,
    );
    expect(output.match(/PagerDuty TRIGGER/g)).toHaveLength(5);
    // The demo's appliance has its message bus (RabbitMQ is part of the test setup): the bridge subscribed before the
    // alerts were raised, so they came by push.
    expect(output).toContain("the bridge listens to the appliance's message bus (SCMB)");

    // The Web UI, as a browser renders it, lists the poller and the deliveries.
    const listUrl = `${uiBase}/namespaces/default/workflows`;
    const dom = await renderedDom(listUrl);
    expect(dom).toContain('oneview-poller/demo-synergy');
    expect(dom).toContain('oneview-alert/demo-synergy/');
    // The search attributes filter it: every open Critical alert of the appliance, and nothing else.
    const criticalUrl = `${listUrl}?query=${encodeURIComponent('ApplianceId="demo-synergy" AND AlertSeverity="Critical" AND ExecutionStatus="Running"')}`;
    const critical = await renderedDom(criticalUrl);
    expect(critical).toContain('oneview-alert/demo-synergy/');
    expect(critical).not.toContain('oneview-poller/demo-synergy');

    // Decrypted payloads, the way the demo tells a person to get them: sign in at the codec, point the UI's Codec Server
    // at it with "Include cross-origin credentials".
    const webBase = /HTTP API: (http:\/\/[\d.:]+)/.exec(output)![1]!;
    const codecToken = readFileSync(join(ROOT, '.demo', 'codec-token'), 'utf8');
    expect(output).toContain(`open ${webBase}/codec/sign-in and paste the token from .demo/codec-token`);
    const poller = (await listWorkflows(uiBase)).find((e) => e.workflowId === 'oneview-poller/demo-synergy')!;
    const pollerPage = `${listUrl}/${encodeURIComponent(poller.workflowId)}/${poller.runId}/history`;
    // The poller's input, as the codec decrypts it; encrypted in history, so visible only through the codec.
    const plaintext = '"applianceId": "demo-synergy"';
    const browser = await startBrowser();
    try {
      await browser.open(`${webBase}/codec/sign-in`);
      await browser.submit(
        `document.querySelector('input[name=token]').value = ${JSON.stringify(codecToken)}; document.querySelector('form').submit(); true`,
      );
      expect(await browser.text()).toContain('Signed in until');
      await browser.open(listUrl);
      await browser.evaluate(codecSettings(`${webBase}/codec`));
      await browser.open(pollerPage);
      await waitFor(
        'the poller input decoded in the Web UI',
        () => browser.text(),
        (text) => text.includes(plaintext),
        60_000,
        500,
      );

      // The same call from the UI's page: with the session cookie it decodes, without it the codec refuses.
      const sealed = await browser.evaluate<unknown>(
        `fetch(${JSON.stringify(`${webBase}/codec/encode`)}, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json', 'x-namespace': 'default' }, body: JSON.stringify({ payloads: [{ metadata: { encoding: btoa('json/plain') }, data: btoa('"demo secret"') }] }) }).then((r) => r.json())`,
      );
      const decodeFromUi = (credentials: string) =>
        browser.evaluate<number>(
          `fetch(${JSON.stringify(`${webBase}/codec/decode`)}, { method: 'POST', credentials: ${JSON.stringify(credentials)}, headers: { 'content-type': 'application/json', 'x-namespace': 'default' }, body: ${JSON.stringify(JSON.stringify(sealed))} }).then((r) => r.status)`,
        );
      expect(await decodeFromUi('include')).toBe(200);
      // 401, or 429 once this address has failed often (the unauthenticated UI pages above made failed calls too).
      const refused = [401, 429];
      expect(refused).toContain(await decodeFromUi('omit'));
      const fromElsewhere = await request(`${webBase}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sealed),
      });
      expect(refused).toContain(fromElsewhere.statusCode);
      expect(await fromElsewhere.body.text()).not.toContain('demo secret');

      // The README screenshot: the open Critical alerts of the appliance, from the signed-in browser.
      await browser.open(criticalUrl);
      await waitFor(
        'the filtered list',
        () => browser.text(),
        (text) => text.includes('oneview-alert/demo-synergy/'),
        60_000,
        500,
      );
      const png = join(mkdtempSync(join(tmpdir(), 'demo-ui-')), 'web-ui-workflows.png');
      await browser.screenshot(png);
      const bytes = readFileSync(png);
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(bytes.length).toBeGreaterThan(20_000);
      if (process.env.UPDATE_SCREENSHOTS === '1')
        copyFileSync(png, join(ROOT, 'docs', 'images', 'web-ui-workflows.png'));
    } finally {
      await browser.close();
    }

    // A browser that has not signed in gets the same page with the input still sealed: the codec refused it.
    const stranger = await startBrowser();
    try {
      await stranger.open(listUrl);
      await stranger.evaluate(codecSettings(`${webBase}/codec`));
      await stranger.open(pollerPage);
      const text = await waitFor(
        'the Web UI to report the codec refusing',
        () => stranger.text(),
        (t) => /Codec Server could not/i.test(t),
        60_000,
        500,
      );
      expect(text).not.toContain(plaintext);
    } finally {
      await stranger.close();
    }

    // The printed tour runs as printed: `source .demo/env`, then the operator scripts and the temporal CLI (decoding
    // through the codec with the codec token) work against the demo.
    const lines = output.split('\n');
    const from = lines.findIndex((l) => l.includes('Operate it from another terminal'));
    const tour = lines
      .slice(from + 1)
      .filter((l) => /^\[demo\] {3}\S/.test(l))
      .map((l) => l.replace(/^\[demo\]\s+/, ''));
    expect(tour[0]).toBe('source .demo/env');
    expect(tour).toHaveLength(5);
    const ran = await run('bash', ['-c', tour.join(' && ')], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${dirname(temporalBinary())}:${process.env.PATH ?? ''}` },
      maxBuffer: 4 << 20,
    });
    // ops:status: the poller, its appliance and its message bus.
    expect(ran.stdout).toMatch(/demo-synergy\s.*connected/);
    // ops:list-alerts --severity Critical: the open Critical deliveries only (3 raised, one of them cleared by now).
    expect(ran.stdout).toMatch(/^demo-synergy\s+\d+\s+Critical\s+Active\s+triggered/m);
    expect(ran.stdout).not.toMatch(/^demo-synergy\s+\d+\s+Warning/m);
    // ops:force-poll, then the CLI's query of the poller, decoded.
    expect(ran.stdout).toContain('"applianceId":"demo-synergy"');
    // The README's tour goes on: resolve one open Critical alert by hand, page it again, force a poll over HTTP.
    const alertId = /^demo-synergy\s+(\d+)\s+Critical\s+Active\s+triggered/m.exec(ran.stdout)![1]!;
    const key = `oneview/demo-synergy/alert/${alertId}`;
    const triggersBefore = output.split('\n').filter((l) => l.includes(`TRIGGER  ${key} `)).length;
    const byHand = await run(
      'bash',
      [
        '-c',
        [
          'source .demo/env',
          `npm run ops:resolve -- --appliance demo-synergy --alert ${alertId} --note "fixed by hand"`,
          `npm run ops:resend -- --appliance demo-synergy --alert ${alertId} --force`,
          'curl -sS -X POST -H "Authorization: Bearer $(cat .demo/operator-token)" "$BRIDGE_URL/force-poll?appliance=demo-synergy"',
        ].join(' && '),
      ],
      { cwd: ROOT, env: process.env },
    );
    expect(byHand.stdout).toContain(`resent oneview-alert/demo-synergy/${alertId}`);
    expect(byHand.stdout).toContain('{"workflowIds":["oneview-poller/demo-synergy"]}');
    await waitFor(
      'the resolve by hand and the page again, printed',
      async () => output.split('\n'),
      (l) =>
        l.some((x) => x.includes(`RESOLVE  ${key} `)) &&
        l.filter((x) => x.includes(`TRIGGER  ${key} `)).length === triggersBefore + 1,
      60_000,
    );
    expect(readFileSync(join(ROOT, '.demo', 'env'), 'utf8')).not.toContain(
      readFileSync(join(ROOT, '.demo', 'payload-key'), 'utf8'),
    );

    // The demo points at its token files; no token reaches its output.
    for (const role of ['webhook', 'operator', 'codec', 'payload-key']) {
      const file = role === 'payload-key' ? role : `${role}-token`;
      if (role !== 'payload-key') expect(output).toContain(`.demo/${file}`);
      expect(output).not.toContain(readFileSync(join(ROOT, '.demo', file), 'utf8'));
    }

    demo.kill('SIGINT');
    await exited(demo);
    expect(demo.exitCode).toBe(0);
    // The dev server was the demo's child: its Web UI must be gone with it.
    await expect(listWorkflowIds(uiBase)).rejects.toThrow();
  } finally {
    // After a failure, still let the demo stop its children (dev server, worker, web) before it is killed.
    if (demo.exitCode === null && demo.signalCode === null) {
      demo.kill('SIGINT');
      await Promise.race([exited(demo), new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
    }
    demo.kill('SIGKILL');
  }
});
