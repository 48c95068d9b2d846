// Per-client-IP rate limits: fixed windows counted in the shared CounterStore, 429 TOO_MANY_REQUESTS in the standard
// shape with Retry-After, and the IETF RateLimit headers (draft 8) on every answer. Clients are keyed as
// express-rate-limit keys them (its ipKeyGenerator: an IPv4 address, or an IPv6 /56). Its middleware is not used:
// this one costs a fraction of it (bench/README.md), and the limit on protected routes is on every client's hot
// path. Features choose the budgets and windows; this module only counts.
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { Clock } from '../clock.js';
import type { CounterStore } from '../limits/counter-store.js';
import type { Metrics } from '../observability/metrics.js';
import { AppError } from '../errors/app-error.js';
import type { RateLimit } from './operation.js';

/** IPv6 clients are keyed per /56: one subscriber's many addresses share a budget. */
const IPV6_SUBNET = 56;
/** Bounds the memo of client keys; past it the memo starts again. */
const MAX_MEMOIZED_KEYS = 10_000;

/** A budget of requests per client IP per fixed window; the name labels its counter, headers and metric. */
export interface RateLimitPolicy {
  name: string;
  limit: number;
  windowMs: number;
}

export interface RateLimitDeps {
  counters: CounterStore;
  clock: Clock;
  metrics: Pick<Metrics, 'countRateLimited'>;
}

/** The limits of a feature, sharing one memo of client keys. */
export function createRateLimits<Name extends string>(
  policies: Record<Name, RateLimitPolicy>,
  deps: RateLimitDeps,
): Record<Name, RateLimit> {
  const clientKeys = memoizedClientKeys();
  const limits = {} as Record<Name, RateLimit>;
  for (const name of Object.keys(policies) as Name[]) {
    limits[name] = createRateLimit(policies[name], deps, clientKeys);
  }
  return limits;
}

function createRateLimit(
  { name, limit, windowMs }: RateLimitPolicy,
  { counters, clock, metrics }: RateLimitDeps,
  clientKeys: (address: string) => ClientKeys,
): RateLimit {
  const policy = `"${name}"; q=${limit}; w=${Math.ceil(windowMs / 1000)}`;
  const check: RequestHandler = async (req, res, next) => {
    // req.ip honours TRUST_PROXY: X-Forwarded-For counts only when it comes from a trusted proxy.
    const client = clientKeys(req.ip ?? '');
    const { count, resetAt } = await counters.increment(`rate:${name}:${client.counter}`, windowMs);
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
  return { name, limit, windowMs, check };
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
