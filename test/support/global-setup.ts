import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { devServerDynamicConfigArgs } from '../../scripts/dev-server-flags';
import { findTemporalExecutable } from '../../scripts/temporal-binaries';
import { FAILURE_CONVERTER_PATH } from '../../src/client/data-converter';
import { BRIDGE_SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';
import { compileSources } from './compiled-sources';
import { QUIET_BUNDLE_LOGGER } from './quiet-bundle-logger';

/**
 * Starts one in-memory Temporal dev server on a free loopback port for the whole run, bundles workflows once, and
 * compiles the sources the way the image does, so the spawned worker and web processes run what production runs.
 */
export default async function globalSetup(): Promise<void> {
  compileSources();
  process.env.BRIDGE_TEST_LOG_DIR = mkdtempSync(join(tmpdir(), 'bridge-test-logs-'));
  const env = await TestWorkflowEnvironment.createLocal({
    // The search attributes as dev server flags, as in the demo; workers still check and register them at boot.
    server: {
      executable: findTemporalExecutable('temporal'),
      ip: '127.0.0.1',
      searchAttributes: BRIDGE_SEARCH_ATTRIBUTES,
      extraArgs: devServerDynamicConfigArgs(),
      log: { format: 'pretty', level: 'error' },
    },
  });
  (globalThis as Record<string, unknown>).__TEMPORAL_TEST_ENV__ = env;
  process.env.TEMPORAL_TEST_ADDRESS = env.address;

  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: QUIET_BUNDLE_LOGGER,
  });
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'bridge-test-')), 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
}
