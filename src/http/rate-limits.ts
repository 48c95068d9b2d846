// Per-client-IP rate limits (express-rate-limit) counting in the shared CounterStore: 429 TOO_MANY_REQUESTS in the
// standard shape, with Retry-After and the IETF RateLimit headers.
import type { RequestHandler } from 'express';
import { rateLimit, type Options, type Store } from 'express-rate-limit';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { CounterStore } from '../limits/counter-store.js';
import type { Metrics } from '../observability/metrics.js';
import { AppError } from './app-error.js';

const MINUTE = 60_000;

/** The window of each limit (DESIGN §5); the budgets come from configuration. */
export const RATE_LIMIT_WINDOWS_MS = {
  login: 15 * MINUTE,
  register: 60 * MINUTE,
  refresh: 15 * MINUTE,
  api: MINUTE,
} as const;

export type RateLimitName = keyof typeof RATE_LIMIT_WINDOWS_MS;
export type RateLimiters = Record<RateLimitName, RequestHandler>;

/**
 * express-rate-limit's Store over a CounterStore. Reset times are handed over in wall-clock time, which the library
 * reads with Date.now(), so Retry-After is right whatever clock the counters run on.
 */
function counterStoreAdapter(counters: CounterStore, clock: Clock, name: RateLimitName): Store {
  const prefix = `rate:${name}:`;
  const toInfo = ({ count, resetAt }: { count: number; resetAt: number }) => ({
    totalHits: count,
    resetTime: new Date(Date.now() + (resetAt - clock.now())),
  });
  let windowMs = RATE_LIMIT_WINDOWS_MS[name];
  return {
    prefix,
    localKeys: false,
    init(options: Options) {
      windowMs = options.windowMs;
    },
    async increment(key) {
      return toInfo(await counters.increment(prefix + key, windowMs));
    },
    async get(key) {
      const counter = await counters.get(prefix + key);
      return counter && toInfo(counter);
    },
    decrement: (key) => counters.decrement(prefix + key),
    resetKey: (key) => counters.reset(prefix + key),
  };
}

export function createRateLimiters(
  limits: Config['limits'],
  counters: CounterStore,
  clock: Clock,
  metrics: Pick<Metrics, 'countRateLimited'>,
): RateLimiters {
  const limiter = (name: RateLimitName): RequestHandler =>
    rateLimit({
      windowMs: RATE_LIMIT_WINDOWS_MS[name],
      limit: limits[name],
      identifier: name,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: counterStoreAdapter(counters, clock, name),
      // The library sets Retry-After first; the one error handler writes the body.
      handler: (_req, _res, next) => {
        metrics.countRateLimited(name);
        next(new AppError('TOO_MANY_REQUESTS'));
      },
      // X-Forwarded-For is ignored unless TRUST_PROXY names the proxy: on purpose, not a misconfiguration.
      validate: { xForwardedForHeader: false },
    });
  return {
    login: limiter('login'),
    register: limiter('register'),
    refresh: limiter('refresh'),
    api: limiter('api'),
  };
}
