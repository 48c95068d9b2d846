// Runs the counter contract (test/contract/counter-store-contract.ts) against the Redis store, on a real Redis (see
// test/helpers/redis-server.ts). It is here, in the system tier, because it starts a redis-server; the memory store
// runs the same contract in the fast tier. Each store counts under a key prefix of its own.
import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import { connectRedis } from '../../src/limits/redis-connection.js';
import { createRedisCounterStore } from '../../src/limits/redis-counter-store.js';
import { createLogger } from '../../src/observability/logger.js';
import { describeCounterStoreContract } from '../contract/counter-store-contract.js';
import { describeLoginThrottleRaces } from '../contract/login-throttle-races.js';
import { LogCapture } from '../helpers/log-capture.js';
import { findRedis } from '../helpers/redis-server.js';
import { describeWithService } from '../helpers/required-service.js';

const silentLogger = createLogger({ level: 'silent', destination: new LogCapture().stream });

describeWithService('Redis counter contract', await findRedis(), (redis) => {
  afterAll(() => redis().stop());
  describeCounterStoreContract('redis counter store', async (clock) => {
    const client = await connectRedis(redis().url, silentLogger);
    return createRedisCounterStore(client, clock, `counter-contract:${randomUUID()}:`);
  });
  describeLoginThrottleRaces('redis counter store', async (clock) => {
    const client = await connectRedis(redis().url, silentLogger);
    return createRedisCounterStore(client, clock, `throttle-races:${randomUUID()}:`);
  });
});
