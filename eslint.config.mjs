import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'fs',
  'http',
  'https',
  'net',
  'crypto',
  'child_process',
  'os',
  'path',
  'stream',
  'tls',
  'dns',
  'zlib',
];
// The SDK's files under lib/ are its internals: they move or change between releases without notice.
const SDK_INTERNALS = {
  group: ['@temporalio/*/lib/**'],
  message: 'use the package entry point: lib/ holds SDK internals',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'lib/**',
      'coverage/**',
      '.temporal/**',
      '.demo/**',
      'jest.config.js',
      'bench/.venv/**',
      '.deploy-tools/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [SDK_INTERNALS] }],
    },
  },
  {
    // Workflow and shared code run in Temporal's deterministic sandbox: no I/O, no Node built-ins, no metrics.
    files: ['src/workflows/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...NODE_BUILTINS.flatMap((name) => [name, `node:${name}`]),
            'undici',
            'prom-client',
            '@temporalio/worker',
            '@temporalio/client',
            '@temporalio/activity',
          ],
          patterns: [SDK_INTERNALS],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'require'],
    },
  },
  {
    files: ['simulators/**/*.ts'],
    rules: {
      // Simulators are written from the API references, never from our own client code.
      'no-restricted-imports': ['error', { patterns: ['**/src/**'] }],
    },
  },
);
