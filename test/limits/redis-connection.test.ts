// Connecting to Redis for shared counters, and what counting does when that Redis goes away and comes back: a real
// redis-server when one is available (see test/helpers/redis-server.ts), stopped and restarted by the outage case.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { createMemoryCounterStore } from '../../src/limits/counter-store.js';
import { createFailoverCounterStore } from '../../src/limits/failover-counter-store.js';
import { connectRedis, describeRedisUrl } from '../../src/limits/redis-connection.js';
import { createRedisCounterStore, type RedisClient } from '../../src/limits/redis-counter-store.js';
import { createLogger } from '../../src/observability/logger.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { LogCapture } from '../helpers/log-capture.js';
import { freePort } from '../helpers/free-port.js';
import { START_UP_LIMIT_MS } from '../helpers/child-output.js';
import { findRedis } from '../helpers/redis-server.js';
import { describeWithService } from '../helpers/required-service.js';

const MINUTE = 60_000;
const silentLogger = createLogger({ level: 'silent', destination: new LogCapture().stream });

/** Resolves when the client is ready again: at once, or on its own 'ready' event once it has reconnected. */
function readyAgain(client: RedisClient): Promise<void> {
  if (client.isReady) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the client did not reconnect within ${String(START_UP_LIMIT_MS)} ms`));
    }, START_UP_LIMIT_MS);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('describeRedisUrl', () => {
  it.each([
    ['redis://auth-user:pa55w0rd@10.0.0.5:6379/0', 'redis://10.0.0.5:6379/0'],
    ['rediss://:pa55w0rd@cache.internal:6380', 'rediss://cache.internal:6380'],
    ['redis://default:p%40ss@cache.internal', 'redis://cache.internal'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
  ])('when the URL is %s, then it is described as %s', (url, described) => {
    expect(describeRedisUrl(url)).toBe(described);
  });
});

describe('connectRedis to an unreachable Redis', () => {
  it('when nothing listens on the port, then it rejects naming the target without its credentials', async () => {
    const port = await freePort();

    const failure = connectRedis(
      `redis://auth-user:s3cr3t-pa55@127.0.0.1:${port}`,
      silentLogger,
      300,
    );

    await expect(failure).rejects.toThrow(`redis://127.0.0.1:${port} did not answer within 300 ms`);
    const message = await failure.catch((error: unknown) => String(error));
    expect(message).not.toContain('s3cr3t-pa55');
    expect(message).not.toContain('auth-user');
  });
});

/** Whether the Redis is one findRedis starts (and so can stop and restart), not one REDIS_URL names. */
const ownRedis = process.env.REDIS_URL === undefined || process.env.REDIS_URL === '';

describeWithService('connectRedis to a running Redis', await findRedis(), (redis) => {
  afterAll(() => redis().stop());

  it('when connecting to a running Redis, then the client is ready and answers', async () => {
    const client = await connectRedis(redis().url, silentLogger);
    onTestFinished(() => client.close());

    expect(client.isReady).toBe(true);
    expect(await client.ping()).toBe('PONG');
  });

  if (!ownRedis) {
    const reason =
      'REDIS_URL names a server these tests did not start, so they cannot stop and restart it';
    console.warn(`Redis outage case NOT run: ${reason}.`);
  }

  it.skipIf(!ownRedis)(
    'when Redis stops and comes back, then counting falls back to memory and returns to Redis',
    async () => {
      const clock = new FakeClock();
      const logs = new LogCapture();
      const logger = createLogger({ level: 'info', destination: logs.stream });
      const target = redis();
      const { restart } = target;
      if (restart === undefined)
        throw new Error('the Redis these tests started cannot be restarted');
      const client: RedisClient = await connectRedis(target.url, silentLogger);
      const shared = createRedisCounterStore(client, clock, `outage-test:${randomUUID()}:`);
      const counters = createFailoverCounterStore(shared, createMemoryCounterStore(clock), logger);
      onTestFinished(() => counters.close());
      const said = (text: string) => logs.lines.filter((line) => line.msg?.includes(text));
      const countKey = () => counters.increment('ip:203.0.113.7', MINUTE);

      for (let attempt = 1; attempt <= 3; attempt += 1) await countKey();
      expect((await shared.get('ip:203.0.113.7'))?.count).toBe(3);

      await target.stop();
      const duringOutage = [(await countKey()).count, (await countKey()).count];

      expect(duringOutage).toEqual([1, 2]);
      expect(said('Redis unavailable')).toHaveLength(1);

      await restart();
      await readyAgain(client);
      const afterOutage = await countKey();

      // The helper's redis-server keeps nothing on disk, so the restarted server counts this key afresh: 1 from
      // Redis, where the memory store would have answered 3.
      expect(afterOutage.count).toBe(1);
      expect(await shared.get('ip:203.0.113.7')).toEqual(afterOutage);
      expect(said('rate limits are shared through Redis again')).toHaveLength(1);
      expect(said('Redis unavailable')).toHaveLength(1);
    },
  );
});
