import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { createMemoryCounterStore } from '../../src/limits/counter-store.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import { registerAccount } from '../helpers/accounts.js';
import { expectError } from '../helpers/api-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

const METRICS_TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';

const storeThatDoesNotAnswer = (real: Stores): Stores => ({
  ...real,
  ping: () => Promise.reject(new Error('disk I/O error')),
});

const scrape = (app: ReturnType<typeof buildTestApp>['app']) =>
  request(app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);

describe('GET /health and GET /ready', () => {
  it('when the store answers, then /health and /ready are 200, and /ready names what it checked', async () => {
    const { app } = buildTestApp();

    expect((await request(app).get('/health')).body).toEqual({
      success: true,
      data: { status: 'ok' },
    });
    const ready = await request(app).get('/ready');

    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      success: true,
      data: {
        status: 'ready',
        checks: { store: 'ok', redis: 'not configured' },
        mail: { pending: 0, oldestPendingSeconds: null },
      },
    });
  });

  it('when mail waits in the outbox, then /ready stays 200 and says how many and for how long', async () => {
    const { app, clock } = buildTestApp();
    await request(app).post('/api/auth/password/forgot').send({ email: 'nobody@example.com' });
    await request(app)
      .post('/api/auth/register')
      .send({ email: 'ada@example.com', password: 'Analytical-Engine-1843!', name: 'Ada' });
    await request(app).post('/api/auth/password/forgot').send({ email: 'ada@example.com' });
    clock.advance('90s');

    const ready = await request(app).get('/ready');

    expect(ready.status).toBe(200);
    // Requests for three link mails (Ada's verification and reset, and one for the unknown address), waiting for the
    // worker to compose them.
    expect((ready.body as { data: { mail: unknown } }).data.mail).toEqual({
      pending: 3,
      oldestPendingSeconds: 90,
    });
  });

  it('when the store does not answer, then /ready is 503 naming it while /health stays 200', async () => {
    const { app } = buildTestApp({ stores: storeThatDoesNotAnswer });

    const ready = await request(app).get('/ready');

    expectError(ready, ErrorCodes.SERVICE_UNAVAILABLE);
    expect((ready.body as { details: unknown[] }).details).toEqual([
      { path: 'store', message: 'does not answer' },
    ]);
    expect((await request(app).get('/health')).status).toBe(200);
  });

  it('when shared counters (Redis) are configured and do not answer, then /ready is 503 naming redis', async () => {
    const clock = { now: () => Date.now() };
    const counters = {
      ...createMemoryCounterStore(clock),
      ping: () => Promise.reject(new Error('ECONNREFUSED')),
    };
    const { app } = buildTestApp({ sharedCounters: counters });

    const ready = await request(app).get('/ready');

    expectError(ready, ErrorCodes.SERVICE_UNAVAILABLE);
    expect((ready.body as { details: unknown[] }).details).toEqual([
      { path: 'redis', message: 'does not answer' },
    ]);
  });

  it('when shared counters answer, then /ready reports redis ok', async () => {
    const { app } = buildTestApp({
      sharedCounters: createMemoryCounterStore({ now: () => Date.now() }),
    });

    const ready = await request(app).get('/ready');

    expect((ready.body as { data: { checks: unknown } }).data.checks).toEqual({
      store: 'ok',
      redis: 'ok',
    });
  });

  it('when the process is shutting down, then /ready is 503', async () => {
    const { app, lifecycle } = buildTestApp();
    lifecycle.shuttingDown = true;

    expectError(await request(app).get('/ready'), ErrorCodes.SERVICE_UNAVAILABLE);
  });
});

describe('GET /metrics', () => {
  it('when no METRICS_TOKEN is configured, then the endpoint does not exist', async () => {
    const { app } = buildTestApp();

    expectError(await request(app).get('/metrics'), ErrorCodes.NOT_FOUND);
  });

  it.each([
    ['no token', undefined, ErrorCodes.TOKEN_MISSING],
    ['a wrong token', 'Bearer wrong-token', ErrorCodes.TOKEN_INVALID],
    ['the token in another scheme', `Basic ${METRICS_TOKEN}`, ErrorCodes.TOKEN_MISSING],
  ])('when the scrape brings %s, then 401 with a Bearer challenge', async (_, header, code) => {
    const { app } = buildTestApp({ env: { METRICS_TOKEN } });

    const call = request(app).get('/metrics');
    const response = await (header === undefined ? call : call.set('Authorization', header));

    expectError(response, code);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect((response.body as { message: string }).message).toMatch(
      /^The metrics token is (required|invalid)\.$/,
    );
  });

  it('when auth events happen, then the counters and the request histogram count them', async () => {
    const { app } = buildTestApp({ env: { METRICS_TOKEN, RATE_LIMIT_LOGIN: '2' } });
    const account = await registerAccount(app);
    const wrong = { email: account.email, password: 'Wrong-pass-1!' };
    await request(app).post('/api/auth/login').send(wrong).expect(401);
    await request(app).post('/api/auth/login').send(wrong).expect(401);
    await request(app).post('/api/auth/login').send(wrong).expect(429);

    const response = await scrape(app);

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.text;
    expect(text).toContain('auth_registrations_total 1');
    expect(text).toContain('auth_logins_total{outcome="failure",reason="wrong_password"} 2');
    expect(text).toContain('auth_logins_total{outcome="success",reason="none"} 0');
    expect(text).toContain('http_rate_limited_total{limit="login"} 1');
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/api\/auth\/login",status="401"\} 2/,
    );
    expect(text).not.toContain(account.password);
  });

  it('when the real process builds its metrics, then process metrics are included; test apps leave them out', async () => {
    const processMetrics = await createMetrics({ processMetrics: true }).registry.metrics();
    const appMetrics = await createMetrics({ processMetrics: false }).registry.metrics();

    expect(processMetrics).toContain('process_cpu_seconds_total');
    expect(processMetrics).toContain('nodejs_eventloop_lag_seconds');
    expect(appMetrics).not.toContain('process_cpu_seconds_total');
  });
});
