/* global module */
/**
 * The deployment tests (test/deploy): rendered Helm manifests, no Temporal server. Run by scripts/deploy-check.sh,
 * which installs helm and the Python tools they call into .deploy-tools/ first.
 */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/deploy'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60000,
};
