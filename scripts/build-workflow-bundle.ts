/**
 * Bundles the workflows once, at image build time, so workers start from `WORKFLOW_BUNDLE_PATH` instead of running
 * webpack at every start. Usage: `tsx scripts/build-workflow-bundle.ts [out]` (default lib/workflow-bundle.js).
 * The failure converter must be the one the workers use, or failure messages would not decrypt (same as the tests'
 * global setup).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../src/client/data-converter';

async function run(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'lib/workflow-bundle.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../src/workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(`workflow bundle written: ${out} (${code.length} bytes)`);
}

run().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
