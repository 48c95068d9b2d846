// Runs the counter contract against the memory store and, when a Redis is available (see
// test/helpers/redis-server.ts), against the Redis store. Each Redis store counts under a key prefix of its own.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryCounterStore, type CounterStore } from '../../src/limits/counter-store.js';
import { connectRedis } from '../../src/limits/redis-connection.js';
import { createRedisCounterStore } from '../../src/limits/redis-counter-store.js';
import { createLogger } from '../../src/observability/logger.js';
import type { FakeClock } from '../helpers/fake-clock.js';
import { LogCapture } from '../helpers/log-capture.js';
import { findRedis, REQUIRE_REDIS, type RedisTarget } from '../helpers/redis-server.js';
import { describeCounterStoreContract } from './counter-store-contract.js';

const silentLogger = createLogger({ level: 'silent', destination: new LogCapture().stream });

describeCounterStoreContract('memory counter store', (clock) =>
  Promise.resolve(createMemoryCounterStore(clock)),
);

async function openRedisStore(target: RedisTarget, clock: FakeClock): Promise<CounterStore> {
  const client = await connectRedis(target.url, silentLogger);
  return createRedisCounterStore(client, clock, `counter-contract:${randomUUID()}:`);
}

const search = await findRedis();

if (search.found) {
  const { target } = search;
  afterAll(() => target.stop());
  describeCounterStoreContract('redis counter store', (clock) => openRedisStore(target, clock));
} else if (REQUIRE_REDIS) {
  describe('redis counter store', () => {
    it('when REQUIRE_REDIS=1, then a Redis must be available', () => {
      expect.fail(`Redis is required here but ${search.reason}`);
    });
  });
} else {
  console.warn(`Redis counter contract NOT run: ${search.reason}.`);
  // Every contract case is listed as skipped, so the report shows exactly what was not checked.
  describe.skip(`not run: ${search.reason}`, () => {
    describeCounterStoreContract('redis counter store', () => Promise.reject(new Error('skipped')));
  });
}
