// Chooses where rate-limit and login-throttle counters live: Redis shared by every instance when REDIS_URL is set
// (with per-instance memory standing in during an outage), this process's memory otherwise.
import { systemClock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import { createMemoryCounterStore, type CounterStore } from './counter-store.js';
import { createFailoverCounterStore } from './failover-counter-store.js';
import { connectRedis } from './redis-connection.js';
import { createRedisCounterStore } from './redis-counter-store.js';

export async function openCounters(config: Config, logger: Logger): Promise<CounterStore> {
  const local = createMemoryCounterStore(systemClock);
  if (config.redis === undefined) return local;
  const client = await connectRedis(config.redis.url, logger, config.redis.connectTimeoutMs);
  return createFailoverCounterStore(createRedisCounterStore(client, systemClock), local, logger);
}
