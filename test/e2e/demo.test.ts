import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'undici';
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

    demo.kill('SIGINT');
    await exited(demo);
    expect(demo.exitCode).toBe(0);
    // The dev server was the demo's child: its Web UI must be gone with it.
    await expect(listWorkflowIds(uiBase)).rejects.toThrow();
  } finally {
    demo.kill('SIGKILL');
  }
});
