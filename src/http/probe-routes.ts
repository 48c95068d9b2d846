// The operational endpoints: GET /health (liveness: the process answers), GET /ready (readiness: the store and,
// when configured, Redis answer), and GET /metrics (Prometheus text, behind a bearer token; absent without one).
import { timingSafeEqual, createHash } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import type { CounterStore } from '../limits/counter-store.js';
import type { Metrics } from '../observability/metrics.js';
import type { Stores } from '../storage/ports/stores.js';
import { AppError } from '../errors/app-error.js';
import { methodNotAllowed } from './fallback-routes.js';

/** A dependency that has not answered within this long is not ready. */
const READY_CHECK_TIMEOUT_MS = 2000;

export interface ProbeDeps {
  stores: Pick<Stores, 'ping'>;
  counters: Pick<CounterStore, 'ping'>;
  /** Whether counters live in Redis (then Redis is part of readiness). */
  sharedCounters: boolean;
  metrics: Metrics;
  metricsToken: string | undefined;
}

async function answers(check: () => Promise<void>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, READY_CHECK_TIMEOUT_MS);
  });
  const result = await Promise.race([
    check().then(
      () => true,
      () => false,
    ),
    deadline,
  ]);
  clearTimeout(timer);
  return result;
}

// Compared through hashes of equal length, in constant time: the token cannot be guessed a character at a time.
const digest = (text: string) => createHash('sha256').update(text).digest();

function requireMetricsToken(token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : digest(token);
  return (req, _res, next) => {
    // Without a token configured, the endpoint does not exist.
    if (expected === undefined) throw new AppError('NOT_FOUND');
    const given = /^Bearer +(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const challenge = { 'WWW-Authenticate': 'Bearer realm="metrics"' };
    if (given === undefined) {
      throw new AppError('TOKEN_MISSING', {
        message: 'The metrics token is required.',
        headers: challenge,
      });
    }
    if (!timingSafeEqual(digest(given), expected)) {
      throw new AppError('TOKEN_INVALID', {
        message: 'The metrics token is invalid.',
        headers: challenge,
      });
    }
    next();
  };
}

export function createProbeRoutes(deps: ProbeDeps): Router {
  const router = Router();

  router
    .route('/health')
    .get((_req, res) => {
      res.json({ success: true, data: { status: 'ok' } });
    })
    .all(methodNotAllowed);

  router
    .route('/ready')
    .get(async (_req, res) => {
      const [store, redis] = await Promise.all([
        answers(() => deps.stores.ping()),
        deps.sharedCounters ? answers(() => deps.counters.ping()) : Promise.resolve(true),
      ]);
      const checks = {
        store: store ? 'ok' : 'unavailable',
        redis: deps.sharedCounters ? (redis ? 'ok' : 'unavailable') : 'not configured',
      };
      if (!store || !redis) {
        throw new AppError('SERVICE_UNAVAILABLE', {
          message: 'Not ready: a dependency does not answer.',
          details: Object.entries(checks)
            .filter(([, state]) => state === 'unavailable')
            .map(([path]) => ({ path, message: 'does not answer' })),
        });
      }
      res.json({ success: true, data: { status: 'ready', checks } });
    })
    .all(methodNotAllowed);

  router
    .route('/metrics')
    .get(requireMetricsToken(deps.metricsToken), async (_req, res) => {
      res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    })
    .all(methodNotAllowed);

  return router;
}
