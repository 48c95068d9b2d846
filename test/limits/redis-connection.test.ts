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
import { findRedis, REQUIRE_REDIS, type RedisTarget } from '../helpers/redis-server.js';

const MINUTE = 60_000;
const silentLogger = createLogger({ level: 'silent', destination: new LogCapture().stream });

async function until(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited >= limitMs) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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

function describeRedisConnection(target: RedisTarget): void {
  it('when connecting to a running Redis, then the client is ready and answers', async () => {
    const client = await connectRedis(target.url, silentLogger);
    onTestFinished(() => client.close());

    expect(client.isReady).toBe(true);
    expect(await client.ping()).toBe('PONG');
  });

  const { restart } = target;
  if (restart === undefined) {
    const reason =
      'REDIS_URL names a server these tests did not start, so they cannot stop and restart it';
    console.warn(`Redis outage case NOT run: ${reason}.`);
    it.skip(`not run: ${reason}`, () => undefined);
    return;
  }

  it('when Redis stops and comes back, then counting falls back to memory and returns to Redis', async () => {
    const clock = new FakeClock();
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', destination: logs.stream });
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
    await until(() => client.isReady, 'the client reconnects to the restarted Redis');
    const afterOutage = await countKey();

    // The helper's redis-server keeps nothing on disk, so the restarted server counts this key afresh: 1 from
    // Redis, where the memory store would have answered 3.
    expect(afterOutage.count).toBe(1);
    expect(await shared.get('ip:203.0.113.7')).toEqual(afterOutage);
    expect(said('rate limits are shared through Redis again')).toHaveLength(1);
    expect(said('Redis unavailable')).toHaveLength(1);
  });
}

const search = await findRedis();

if (search.found) {
  const { target } = search;
  afterAll(() => target.stop());
  describe('connectRedis to a running Redis', () => {
    describeRedisConnection(target);
  });
} else if (REQUIRE_REDIS) {
  describe('connectRedis to a running Redis', () => {
    it('when REQUIRE_REDIS=1, then a Redis must be available', () => {
      expect.fail(`Redis is required here but ${search.reason}`);
    });
  });
} else {
  console.warn(`Redis connection tests NOT run: ${search.reason}.`);
  describe.skip(`not run: ${search.reason}`, () => {
    describeRedisConnection({
      url: 'redis://not-run',
      stop: () => Promise.resolve(),
      restart: () => Promise.resolve(),
    });
  });
}
