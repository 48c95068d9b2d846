import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Holds every answer API tests receive to the API document.
    setupFiles: ['test/setup/response-conformance.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
