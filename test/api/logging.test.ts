import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { registerAccount } from '../helpers/accounts.js';
import { buildTestApp } from '../helpers/test-app.js';

describe('logging', () => {
  it('when a whole session runs, including failures, then no password, token or hash reaches the log', async () => {
    const { app, logs, stores } = buildTestApp();
    const account = await registerAccount(app);
    const login = await request(app)
      .post('/api/auth/login')
      .set('Authorization', 'Bearer should-not-be-logged')
      .send({ email: account.email, password: account.password });
    const { accessToken, refreshToken } = (login.body as { data: Record<string, string> }).data;
    const rotated = await request(app).post('/api/auth/refresh').send({ refreshToken });
    await request(app).post('/api/auth/refresh').send({ refreshToken });
    await request(app)
      .get('/api/auth/profile')
      .set('Authorization', `Bearer ${accessToken ?? ''}`);
    await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: 'Wr0ng-pass!' });
    await request(app)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(`{"email":"${account.email}","password":"Half-typed-1!`);
    await request(app)
      .post('/api/auth/logout')
      .send({ refreshToken: 'x'.repeat(50) });

    const passwordHash = (await stores.users.findLiveUserByEmail(account.email))?.passwordHash;
    expect(passwordHash).toMatch(/^\$2b\$/);
    const secrets = [
      account.password,
      'Wr0ng-pass!',
      'Half-typed-1!',
      'should-not-be-logged',
      accessToken,
      refreshToken,
      (rotated.body as { data: { refreshToken: string } }).data.refreshToken,
      passwordHash,
    ];
    for (const secret of secrets) expect(logs.text).not.toContain(secret);
    expect(logs.text).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it('when requests are served, then one lean line each: method, route pattern, status, duration, id', async () => {
    const { app, logs } = buildTestApp();

    const ok = await request(app).get('/health');
    const missing = await request(app).get('/api/auth/profile?token=abc');
    await request(app).get('/nowhere/at/all');

    const lines = logs.lines.filter((line) => line.msg === 'request');
    expect(lines).toEqual([
      expect.objectContaining({
        method: 'GET',
        route: '/health',
        status: 200,
        reqId: ok.headers['x-request-id'],
      }),
      expect.objectContaining({
        route: '/api/auth/profile',
        status: 401,
        error: 'TOKEN_MISSING',
        reqId: missing.headers['x-request-id'],
      }),
      expect.objectContaining({ route: '(unmatched)', status: 404, error: 'NOT_FOUND' }),
    ]);
    for (const line of lines) {
      expect(typeof line.ms).toBe('number');
      expect(Object.keys(line)).not.toContain('headers');
      expect(JSON.stringify(line)).not.toContain('token=abc');
    }
  });

  it('when auth events happen, then audit lines carry event, request id, IP and user agent', async () => {
    const { app, logs } = buildTestApp();
    const account = await registerAccount(app);

    const login = await request(app)
      .post('/api/auth/login')
      .set('User-Agent', 'audit-test')
      .send({ email: account.email, password: account.password });

    expect(logs.events('login.success')).toEqual([
      expect.objectContaining({
        channel: 'audit',
        userId: account.id,
        requestId: login.headers['x-request-id'],
        ip: expect.stringMatching(/127\.0\.0\.1$/) as string,
        userAgent: 'audit-test',
      }),
    ]);
  });
});
