import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createRequestDurationHistogram } from '../../src/observability/request-duration-histogram.js';

const options = {
  name: 'http_request_duration_seconds',
  help: 'Time to answer.',
  buckets: [0.01, 0.1, 1],
};
const observations: Array<[string, string, number, number]> = [
  ['GET', '/api/auth/profile', 200, 0.004],
  ['GET', '/api/auth/profile', 200, 0.01], // on a bound: counts in that bucket
  ['GET', '/api/auth/profile', 200, 0.5],
  ['GET', '/api/auth/profile', 401, 0.002],
  ['POST', '/api/auth/login', 200, 7], // above every bound: only +Inf
];

/** Exposition lines with each line's labels in sorted order, so two renderings compare line for line. */
function normalized(text: string): string[] {
  return text
    .split('\n')
    .map((line) =>
      line.replace(/\{([^}]*)\}/, (_, labels: string) => `{${labels.split(',').sort().join(',')}}`),
    )
    .sort();
}

describe('request duration histogram', () => {
  it("when requests are observed, then /metrics shows what prom-client's Histogram shows for them", async () => {
    const lean = new Registry();
    const reference = new Registry();
    const histogram = createRequestDurationHistogram(lean, options);
    const prom = new Histogram({
      ...options,
      labelNames: ['method', 'route', 'status'],
      registers: [reference],
    });

    for (const [method, route, status, seconds] of observations) {
      histogram.observe(method, route, status, seconds);
      prom.labels(method, route, String(status)).observe(seconds);
    }

    const text = await lean.metrics();
    expect(normalized(text)).toEqual(normalized(await reference.metrics()));
    expect(text).toContain(
      'http_request_duration_seconds_bucket{method="GET",route="/api/auth/profile",status="200",le="0.01"} 2',
    );
    expect(text).toContain(
      'http_request_duration_seconds_count{method="POST",route="/api/auth/login",status="200"} 1',
    );
  });

  it('when the registry is reset, then the series start again from nothing', async () => {
    const registry = new Registry();
    const histogram = createRequestDurationHistogram(registry, options);
    histogram.observe('GET', '/health', 200, 0.001);

    registry.resetMetrics();
    histogram.observe('GET', '/health', 503, 0.001);

    const text = await registry.metrics();
    expect(text).not.toContain('status="200"');
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",route="/health",status="503"} 1',
    );
  });
});
