// ESLint with typescript-eslint's strict type-checked rules, plus the architecture's import boundaries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layerDirection } from './eslint-rules/layer-direction.js';

const driver = (name, home) => ({
  name,
  message: `${name} is imported only inside ${home}; services see storage through src/storage/ports.ts.`,
});
const MONGOOSE = driver('mongoose', 'src/storage/mongo/');
const SQLITE = driver('better-sqlite3', 'src/storage/sqlite/');
const REDIS = {
  name: '@redis/client',
  message:
    '@redis/client is imported only in src/limits/redis-*.ts; others count through CounterStore.',
};
/** The files of a feature that deal in HTTP: its operation table, controllers, guards, transports, client context. */
const FEATURE_HTTP_FILES = [
  'src/*/*-operations.ts',
  'src/*/*-controller.ts',
  'src/*/*-guard.ts',
  'src/*/*-transport.ts',
  'src/*/*-cookie.ts',
  'src/*/client-context.ts',
  // What the Bearer guard leaves on res.locals, and how a finished sign-in is answered (login and its second step).
  'src/auth/auth-locals.ts',
  'src/auth/signed-in-response.ts',
];
const EXPRESS = {
  name: 'express',
  message:
    "express belongs in src/http/, src/app.ts and the features' HTTP files (" +
    FEATURE_HTTP_FILES.join(', ') +
    ').',
};
const restrict = (...paths) => ({ 'no-restricted-imports': ['error', { paths }] });

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'auth-api': { rules: { 'layer-direction': layerDirection } } },
    rules: { ...restrict(MONGOOSE, SQLITE, EXPRESS, REDIS), 'auth-api/layer-direction': 'error' },
  },
  { files: ['src/limits/redis-*.ts'], rules: restrict(MONGOOSE, SQLITE, EXPRESS) },
  {
    files: ['src/storage/sqlite/**/*.ts'],
    rules: {
      ...restrict(MONGOOSE, EXPRESS, REDIS),
      // The port is async; better-sqlite3 is synchronous. `async` turns a driver throw into a rejection.
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['src/storage/mongo/**/*.ts'], rules: restrict(SQLITE, EXPRESS, REDIS) },
  {
    // Mongoose types schema field options as a class, but documents (and uses) plain objects for them.
    files: ['src/storage/mongo/mongo-models.ts', 'src/storage/mongo/mongo-mfa-models.ts'],
    rules: { '@typescript-eslint/no-unsafe-class-instance-assignment': 'off' },
  },
  {
    files: ['src/http/**/*.ts', 'src/app.ts', ...FEATURE_HTTP_FILES],
    rules: restrict(MONGOOSE, SQLITE, REDIS),
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
