// The fast tier, `npm test` (and `npm run test:watch`): tests that build the app in process on in-memory or temporary
// stores and need nothing outside node_modules. Tests that start the server, a browser, nginx, promtool, Redis or a
// MongoDB-compatible server are the system tier (vitest.system.config.ts, `npm run test:system`); test/unit/test-tiers.test.ts holds every test
// file to exactly one tier.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export const FAST_TIER = [
  'test/unit',
  'test/api',
  'test/contract',
  'test/storage',
  'test/openapi',
  'test/mail',
];

export default defineConfig({
  test: {
    include: FAST_TIER.map((folder) => `${folder}/**/*.test.ts`),
    // Holds every answer API tests receive to the API document.
    setupFiles: ['test/setup/response-conformance.ts'],
    // Vitest's default leaves one core to itself, which on a 2-core machine runs the files one at a time; the
    // main process does little while files run, so every core runs a file.
    maxWorkers: availableParallelism(),
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
