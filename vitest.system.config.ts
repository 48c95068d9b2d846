// The system tier, `npm run test:system`: tests that start the real server process, a browser, nginx, promtool or a
// Redis (and stop it for an outage). Their waits end on each process's own readiness signal, so the bounds below are
// only there to end a run that hangs: generous, as start-up on a loaded machine is slow, not broken.
import { defineConfig } from 'vitest/config';

export const SYSTEM_TIER = ['test/process', 'test/browser', 'test/deploy', 'test/limits'];

export default defineConfig({
  test: {
    include: SYSTEM_TIER.map((folder) => `${folder}/**/*.test.ts`),
    // Some of these also ask an in-process app (test/helpers/test-app.ts): its answers are held to the document too.
    setupFiles: ['test/setup/response-conformance.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
