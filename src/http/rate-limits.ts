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
import { AppError } from '../errors/app-error.js';

const MINUTE = 60_000;
/** IPv6 clients are keyed per /56: one subscriber's many addresses share a budget. */
const IPV6_SUBNET = 56;
/** Bounds the memo of client keys; past it the memo starts again. */
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
  const clientKeys = memoizedClientKeys();
  const limiter = (name: RateLimitName): RequestHandler => {
    const limit = limits[name];
    const windowMs = RATE_LIMIT_WINDOWS_MS[name];
    const policy = `"${name}"; q=${limit}; w=${Math.ceil(windowMs / 1000)}`;
    return async (req, res, next) => {
      // req.ip honours TRUST_PROXY: X-Forwarded-For counts only when it comes from a trusted proxy.
      const client = clientKeys(req.ip ?? '');
      const { count, resetAt } = await counters.increment(
        `rate:${name}:${client.counter}`,
        windowMs,
      );
      const resetSeconds = Math.max(0, Math.ceil((resetAt - clock.now()) / 1000));
      res.setHeader('RateLimit-Policy', `${policy}; pk=:${client.partition}:`);
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

interface ClientKeys {
  /** The address as express-rate-limit keys it: IPv4 as is, IPv6 as its /56 network. */
  counter: string;
  /** The draft's partition key: names the counter without showing the address (a hash, as express-rate-limit has it). */
  partition: string;
}

/** A client sends many requests, so its keys (an IPv6 parse, a hash) are worked out once per address and remembered. */
function memoizedClientKeys(): (address: string) => ClientKeys {
  const memo = new Map<string, ClientKeys>();
  return (address) => {
    let keys = memo.get(address);
    if (keys === undefined) {
      const counter = ipKeyGenerator(address, IPV6_SUBNET);
      const hex = createHash('sha256').update(counter).digest('hex').slice(0, 12);
      keys = { counter, partition: Buffer.from(hex).toString('base64') };
      if (memo.size >= MAX_MEMOIZED_KEYS) memo.clear();
      memo.set(address, keys);
    }
    return keys;
  };
}
