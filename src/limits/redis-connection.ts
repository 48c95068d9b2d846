// Connects to REDIS_URL for shared rate-limit state. The start waits for Redis (an operator who set REDIS_URL wants
// it), but once running, an outage only degrades limits to per-instance counting while the client reconnects.
import { createClient } from '@redis/client';
import type { Logger } from '../observability/logger.js';
import { withoutCredentials } from '../observability/redact-secrets.js';
import type { RedisClient } from './redis-counter-store.js';

/** The URL without credentials, for messages and logs. */
export const describeRedisUrl = withoutCredentials;

export async function connectRedis(
  url: string,
  logger: Logger,
  connectTimeoutMs = 5000,
): Promise<RedisClient> {
  const client: RedisClient = createClient({
    url,
    // Commands fail at once while disconnected (and counting falls back to memory) instead of queueing.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 3000),
    },
  });
  let connected = false;
  // Without a listener, a connection error would crash the process.
  client.on('error', (error: unknown) => {
    if (connected) logger.debug({ err: error }, 'Redis connection error');
  });
  const deadline = new Promise<never>((_, reject) => {
    setTimeout(() => {
      reject(
        new Error(
          `Redis at ${describeRedisUrl(url)} did not answer within ${String(connectTimeoutMs)} ms`,
        ),
      );
    }, connectTimeoutMs).unref();
  });
  try {
    await Promise.race([client.connect(), deadline]);
  } catch (error) {
    client.destroy();
    throw error;
  }
  connected = true;
  return client;
}
