// The operational endpoints as the API document describes them: liveness, readiness and Prometheus metrics.
import { healthResponse, readyResponse } from '../http/probe-responses.js';
import type { ApiOperation } from './api-operation.js';

export function probeOperations(): ApiOperation[] {
  return [
    {
      method: 'get',
      path: '/health',
      operationId: 'health',
      summary: 'Liveness: the process answers',
      description: 'Answers over plain HTTP too. 503 once the server is shutting down.',
      tag: 'Operations',
      credentials: 'none',
      probe: true,
      success: { status: 200, description: 'The process serves.', json: healthResponse },
      errors: [],
    },
    {
      method: 'get',
      path: '/ready',
      operationId: 'ready',
      summary: 'Readiness: the store and, when configured, Redis answer',
      description:
        'Answers over plain HTTP too. 503 when a dependency does not answer (`details` names it) or the ' +
        'server is shutting down.',
      tag: 'Operations',
      credentials: 'none',
      probe: true,
      success: { status: 200, description: 'Ready to serve.', json: readyResponse },
      errors: ['SERVICE_UNAVAILABLE'],
    },
    {
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description:
        'Behind `Authorization: Bearer <METRICS_TOKEN>`; without METRICS_TOKEN set it does not exist (404).',
      tag: 'Operations',
      credentials: 'metricsToken',
      success: {
        status: 200,
        description: 'The Prometheus text exposition format.',
        text: 'text/plain',
      },
      errors: ['NOT_FOUND'],
    },
  ];
}
