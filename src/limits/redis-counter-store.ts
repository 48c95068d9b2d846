// Counters shared between instances through Redis. Each operation is one Lua script, so it is atomic however many
// instances count at once. The window's end is stored with the count and judged by the caller's clock; Redis's own
// expiry only collects keys that are no longer needed.
import type { RedisClientType } from '@redis/client';
import type { Clock } from '../clock.js';
import type { Counter, CounterStore } from './counter-store.js';

export type RedisClient = RedisClientType;

// KEYS[1] = counter; ARGV = now, windowMs. Returns { count, resetAt }.
const INCREMENT = `
local now = tonumber(ARGV[1])
local fields = redis.call('HMGET', KEYS[1], 'count', 'resetAt')
local count = tonumber(fields[1])
local resetAt = tonumber(fields[2])
if count == nil or resetAt == nil or resetAt <= now then
  count = 0
  resetAt = now + tonumber(ARGV[2])
end
count = count + 1
redis.call('HSET', KEYS[1], 'count', count, 'resetAt', resetAt)
redis.call('PEXPIRE', KEYS[1], resetAt - now)
return { count, resetAt }
`;

// KEYS[1] = counter; ARGV = now. Takes one back within a live window, never below zero.
const DECREMENT = `
local fields = redis.call('HMGET', KEYS[1], 'count', 'resetAt')
local count = tonumber(fields[1])
local resetAt = tonumber(fields[2])
if count ~= nil and resetAt ~= nil and resetAt > tonumber(ARGV[1]) and count > 0 then
  redis.call('HSET', KEYS[1], 'count', count - 1)
end
return 0
`;

export interface RedisCounterStore extends CounterStore {
  /** Whether the client is connected now (false while Redis is unreachable and the client reconnects). */
  isReady(): boolean;
}

export function createRedisCounterStore(
  client: RedisClient,
  clock: Clock,
  prefix = 'auth-api:',
): RedisCounterStore {
  const at = (key: string) => prefix + key;

  return {
    isReady: () => client.isReady,

    async increment(key, windowMs) {
      const [count, resetAt] = (await client.eval(INCREMENT, {
        keys: [at(key)],
        arguments: [String(clock.now()), String(windowMs)],
      })) as [number, number];
      return { count, resetAt };
    },

    async get(key): Promise<Counter | undefined> {
      const [count, resetAt] = await client.hmGet(at(key), ['count', 'resetAt']);
      if (count == null || resetAt == null || Number(resetAt) <= clock.now()) return undefined;
      return { count: Number(count), resetAt: Number(resetAt) };
    },

    async decrement(key) {
      await client.eval(DECREMENT, { keys: [at(key)], arguments: [String(clock.now())] });
    },

    async reset(key) {
      await client.del(at(key));
    },

    async ping() {
      await client.ping();
    },

    async close() {
      if (client.isOpen) await client.close();
    },
  };
}
