/** Jest runs every suite against one Temporal dev server started in global setup. */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Rendered-manifest tests need helm; `npm run deploy:check` runs them with jest.deploy.config.js.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/deploy/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120000,
};
