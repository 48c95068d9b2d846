// Per-client-IP rate limits: fixed windows counted in the shared CounterStore, 429 TOO_MANY_REQUESTS in the standard
// shape with Retry-After, and the IETF RateLimit headers (draft 8) on every answer. Clients are keyed as
// express-rate-limit keys them (its ipKeyGenerator: an IPv4 address, or an IPv6 /56). Its middleware is not used: on
// GET /api/auth/profile it cost about 40 µs a request against about 10 µs for this one (bench/README.md), and the
// limit on protected routes is on every client's hot path.
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { CounterStore } from '../limits/counter-store.js';
import type { Metrics } from '../observability/metrics.js';
import { AppError } from './app-error.js';

const MINUTE = 60_000;
/** IPv6 clients are keyed per /56: one subscriber's many addresses share a budget. */
const IPV6_SUBNET = 56;
/** Bounds the memo of partition keys; past it the memo starts again. */
const MAX_MEMOIZED_KEYS = 10_000;

/** The window of each limit (DESIGN §5); the budgets come from configuration. */
export const RATE_LIMIT_WINDOWS_MS = {
  login: 15 * MINUTE,
  register: 60 * MINUTE,
  refresh: 15 * MINUTE,
  api: MINUTE,
} as const;

export type RateLimitName = keyof typeof RATE_LIMIT_WINDOWS_MS;
export type RateLimiters = Record<RateLimitName, RequestHandler>;

export function createRateLimiters(
  limits: Config['limits'],
  counters: CounterStore,
  clock: Clock,
  metrics: Pick<Metrics, 'countRateLimited'>,
): RateLimiters {
  const partitionKeys = memoizedPartitionKeys();
  const limiter = (name: RateLimitName): RequestHandler => {
    const limit = limits[name];
    const windowMs = RATE_LIMIT_WINDOWS_MS[name];
    const policy = `"${name}"; q=${limit}; w=${Math.ceil(windowMs / 1000)}`;
    return async (req, res, next) => {
      // req.ip honours TRUST_PROXY: X-Forwarded-For counts only when it comes from a trusted proxy.
      const client = ipKeyGenerator(req.ip ?? '', IPV6_SUBNET);
      const { count, resetAt } = await counters.increment(`rate:${name}:${client}`, windowMs);
      const resetSeconds = Math.max(0, Math.ceil((resetAt - clock.now()) / 1000));
      res.setHeader('RateLimit-Policy', `${policy}; pk=:${partitionKeys(client)}:`);
      res.setHeader('RateLimit', `"${name}"; r=${Math.max(limit - count, 0)}; t=${resetSeconds}`);
      if (count > limit) {
        metrics.countRateLimited(name);
        throw new AppError('TOO_MANY_REQUESTS', {
          headers: { 'Retry-After': String(resetSeconds) },
        });
      }
      next();
    };
  };
  return {
    login: limiter('login'),
    register: limiter('register'),
    refresh: limiter('refresh'),
    api: limiter('api'),
  };
}

/**
 * The draft's partition key: names the client's counter without showing its address (a hash, as express-rate-limit
 * writes it). A client sends many requests, so each key is hashed once and remembered.
 */
function memoizedPartitionKeys(): (client: string) => string {
  const memo = new Map<string, string>();
  return (client) => {
    let key = memo.get(client);
    if (key === undefined) {
      const hex = createHash('sha256').update(client).digest('hex').slice(0, 12);
      key = Buffer.from(hex).toString('base64');
      if (memo.size >= MAX_MEMOIZED_KEYS) memo.clear();
      memo.set(client, key);
    }
    return key;
  };
}
