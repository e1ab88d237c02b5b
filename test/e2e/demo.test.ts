import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { renderedDom, screenshot } from '../support/chromium';
import { waitFor } from '../support/wait-for';
import { exited } from '../support/worker-process';

const ROOT = join(__dirname, '..', '..');

async function listWorkflowIds(uiBase: string): Promise<string[]> {
  const res = await request(`${uiBase}/api/v1/namespaces/default/workflows`);
  const body = (await res.body.json()) as { executions?: { execution: { workflowId: string } }[] };
  return (body.executions ?? []).map((e) => e.execution.workflowId);
}

test('the demo pages, resolves, shows its workflows in the Web UI, and Ctrl-C stops everything', async () => {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DEMO_EXIT_AFTER: '120' };
  const demo = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  demo.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  demo.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const ui = await waitFor('the Web UI URL', async () => /Temporal Web UI: (http:\/\/[\d.:]+)/.exec(output)?.[1], Boolean, 60_000);
    const uiBase = ui!;
    const ids = await waitFor(
      'poller and alert workflows in the Web UI',
      () => listWorkflowIds(uiBase),
      (list) => list.includes('oneview-poller/demo-synergy') && list.filter((id) => id.startsWith('oneview-alert/demo-synergy/')).length === 5,
      60_000,
    );
    expect(ids).toContain('oneview-poller/demo-synergy');
    await waitFor('a trigger and the resolve printed', async () => output, (o) => /PagerDuty TRIGGER/.test(o) && /PagerDuty RESOLVE/.test(o), 60_000);
    expect(output.match(/PagerDuty TRIGGER/g)).toHaveLength(5);

    // The Web UI, as a browser renders it, lists the poller and the deliveries (its decoded summaries included).
    const listUrl = `${uiBase}/namespaces/default/workflows`;
    const dom = await renderedDom(listUrl);
    expect(dom).toContain('oneview-poller/demo-synergy');
    expect(dom).toContain('oneview-alert/demo-synergy/');
    // The search attributes filter it: every open Critical alert of the appliance, and nothing else.
    const criticalUrl = `${listUrl}?query=${encodeURIComponent('ApplianceId="demo-synergy" AND AlertSeverity="Critical" AND ExecutionStatus="Running"')}`;
    const critical = await renderedDom(criticalUrl);
    expect(critical).toContain('oneview-alert/demo-synergy/');
    expect(critical).not.toContain('oneview-poller/demo-synergy');
    const png = join(mkdtempSync(join(tmpdir(), 'demo-ui-')), 'web-ui-workflows.png');
    await screenshot(criticalUrl, png);
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(20_000);
    if (process.env.UPDATE_SCREENSHOTS === '1') copyFileSync(png, join(ROOT, 'docs', 'images', 'web-ui-workflows.png'));

    // The demo points at its webhook token file; the token itself never reaches its output.
    expect(output).toContain('.demo/webhook-token');
    expect(output).not.toContain(readFileSync(join(ROOT, '.demo', 'webhook-token'), 'utf8'));

    demo.kill('SIGINT');
    await exited(demo);
    expect(demo.exitCode).toBe(0);
    // The dev server was the demo's child: its Web UI must be gone with it.
    await expect(listWorkflowIds(uiBase)).rejects.toThrow();
  } finally {
    demo.kill('SIGKILL');
  }
});
