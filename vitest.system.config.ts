// The system tier, `npm run test:system`: tests that start the real server process, a browser, nginx, promtool, a
// Redis (and stop it for an outage) or a MongoDB-compatible server (test/mongo: the adapter over the wire). Their
// waits end on each process's own readiness signal, so the bounds below are only there to end a run that hangs:
// generous, as start-up on a loaded machine is slow, not broken.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export const SYSTEM_TIER = [
  'test/process',
  'test/browser',
  'test/deploy',
  'test/limits',
  'test/mongo',
];

export default defineConfig({
  test: {
    include: SYSTEM_TIER.map((folder) => `${folder}/**/*.test.ts`),
    // Some of these also ask an in-process app (test/helpers/test-app.ts): its answers are held to the document too.
    setupFiles: ['test/setup/response-conformance.ts'],
    // Two files at a time on two cores: much of their time is spent waiting on the processes they start (67 s
    // rather than 137 s for the tier on an idle 2-core machine).
    maxWorkers: availableParallelism(),
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
