// Lint rules, including the import boundaries of the architecture: the pure core (naming,
// translate, plan, pipeline, model, util) imports nothing that does I/O, and nothing under
// src/ ever imports from test/ (the emulator, simulator and harness never ship).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'node:http',
  'node:https',
  'node:net',
  'node:fs',
  'node:fs/promises',
  'node:child_process',
  'node:dgram',
  'node:dns',
  '@kubernetes/client-node',
  '@googleapis/compute',
  'google-auth-library',
  'winston',
  'prom-client',
];
const ioDirs = ['**/kube/**', '**/gce/**', '**/apply/**', '**/controller/**', '**/cli/**', '**/bin/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-throw-literal': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/test/**', '../../test/*', '../test/*'], message: 'src/ must never import test/.' },
          ],
        },
      ],
    },
  },
  {
    files: [
      'src/naming/**',
      'src/translate/**',
      'src/plan/**',
      'src/pipeline/**',
      'src/model/**',
      'src/util/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({ name, message: 'The pure core does no I/O.' })),
          patterns: [
            { group: ioDirs, message: 'The pure core may not import I/O modules.' },
            { group: ['**/test/**'], message: 'src/ must never import test/.' },
          ],
        },
      ],
    },
  },
);
