// The operational endpoints: GET /health (liveness: the process answers), GET /ready (readiness: the store and,
// when configured, Redis answer) and GET /metrics (Prometheus text, behind a bearer token; absent without one).
// Probes answer over plain HTTP too, and ignore a query string that a load balancer may add.
import { AppError } from '../errors/app-error.js';
import { defineOperation, type ApiSection } from '../http/operation.js';
import type { Metrics } from '../observability/metrics.js';
import { metricsTokenGuard } from './metrics-token-guard.js';
import { healthResponse, readyResponse } from './probe-responses.js';
import { checkReadiness, outboxBacklog, type ReadinessDeps } from './readiness.js';

export interface ProbeDeps extends ReadinessDeps {
  metrics: Metrics;
  metricsToken: string | undefined;
}

const TAG = 'Operations';

export function probesSection(deps: ProbeDeps): ApiSection {
  const operations = [
    defineOperation({
      method: 'get',
      path: '/health',
      operationId: 'health',
      summary: 'Liveness: the process answers',
      description: 'Answers over plain HTTP too. 503 once the server is shutting down.',
      tag: TAG,
      plainHttp: true,
      anyQuery: true,
      request: {},
      success: { status: 200, description: 'The process serves.', json: healthResponse },
      errors: [],
      handle: (_input, _req, res) => {
        res.json({ success: true, data: { status: 'ok' } });
      },
    }),
    defineOperation({
      method: 'get',
      path: '/ready',
      operationId: 'ready',
      summary: 'Readiness: the store and, when configured, Redis answer',
      description:
        'Answers over plain HTTP too. 503 when a dependency does not answer (`details` names it) or the ' +
        'server is shutting down.',
      tag: TAG,
      plainHttp: true,
      anyQuery: true,
      request: {},
      success: { status: 200, description: 'Ready to serve.', json: readyResponse },
      errors: ['SERVICE_UNAVAILABLE'],
      handle: async (_input, _req, res) => {
        const [checks, mail] = await Promise.all([checkReadiness(deps), outboxBacklog(deps)]);
        const down = Object.entries(checks).filter(([, state]) => state === 'unavailable');
        if (down.length > 0 || mail === undefined) {
          throw new AppError('SERVICE_UNAVAILABLE', {
            message: 'Not ready: a dependency does not answer.',
            details: (down.length > 0 ? down.map(([path]) => path) : ['store']).map((path) => ({
              path,
              message: 'does not answer',
            })),
          });
        }
        res.json({ success: true, data: { status: 'ready', checks, mail } });
      },
    }),
    defineOperation({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description:
        'Behind `Authorization: Bearer <METRICS_TOKEN>`; without METRICS_TOKEN set it does not exist (404).',
      tag: TAG,
      anyQuery: true,
      guard: metricsTokenGuard(deps.metricsToken),
      request: {},
      success: {
        status: 200,
        description: 'The Prometheus text exposition format.',
        mediaTypes: ['text/plain'],
      },
      errors: [],
      handle: async (_input, _req, res) => {
        const { registry } = deps.metrics;
        res.type(registry.contentType).send(await registry.metrics());
      },
    }),
  ];
  return {
    tags: [{ name: TAG, description: 'Probes and metrics for operators.' }],
    operations,
  };
}
