// Two real server processes behind one imaginary load balancer, sharing one SQLite file and one Redis: limits
// counted on one instance hold on the other.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { afterAll, expect, it, onTestFinished } from 'vitest';
import { findRedis } from '../helpers/redis-server.js';
import { describeWithService } from '../helpers/required-service.js';
import { startServer } from '../helpers/server-process.js';

/** Each test starts from an empty Redis: counters and locks from another test must not leak in. */
async function emptyRedis(url: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  await client.flushDb();
  await client.close();
}

async function startPair(redisUrl: string, limits: Record<string, string>) {
  await emptyRedis(redisUrl);
  const dir = mkdtempSync(join(tmpdir(), 'auth-shared-'));
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const env = {
    NODE_ENV: 'test',
    SQLITE_PATH: join(dir, 'auth.db'),
    REDIS_URL: redisUrl,
    BCRYPT_ROUNDS: '10',
    JWT_ACCESS_SECRET: randomBytes(48).toString('base64'),
    JWT_REFRESH_SECRET: randomBytes(48).toString('base64'),
    ...limits,
  };
  return Promise.all([startServer(env), startServer(env)]);
}

async function post(baseUrl: string, path: string, body: object) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { error?: string } };
}

const account = {
  email: 'two.instances@example.com',
  password: 'Quietly-counting-42!',
  name: 'Two',
};

describeWithService('two instances sharing Redis', await findRedis(), (redis) => {
  afterAll(() => redis().stop());

  it('when login attempts are spread over both instances, then the per-IP limit is global', async () => {
    const [a, b] = await startPair(redis().url, {
      RATE_LIMIT_LOGIN: '6',
      LOGIN_THROTTLE_FAILURES: '1000',
      RATE_LIMIT_REGISTER: '1000',
    });
    expect((await post(a.baseUrl, '/api/auth/register', account)).status).toBe(201);

    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const server = i % 2 === 0 ? a : b;
      const wrong = { email: account.email, password: `Wrong-${String(i)}!` };
      statuses.push((await post(server.baseUrl, '/api/auth/login', wrong)).status);
    }

    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429]);
  });

  it('when failures for one account are spread over both instances, then the lock holds on both', async () => {
    const [a, b] = await startPair(redis().url, {
      RATE_LIMIT_LOGIN: '1000',
      LOGIN_THROTTLE_FAILURES: '3',
    });
    expect((await post(a.baseUrl, '/api/auth/register', account)).status).toBe(201);
    const wrong = { email: account.email, password: 'Wrong-password-1!' };

    await post(a.baseUrl, '/api/auth/login', wrong);
    await post(b.baseUrl, '/api/auth/login', wrong);
    await post(a.baseUrl, '/api/auth/login', wrong);

    const right = { email: account.email, password: account.password };
    expect(await post(b.baseUrl, '/api/auth/login', right)).toEqual({
      status: 401,
      body: expect.objectContaining({ error: 'INVALID_CREDENTIALS' }) as unknown,
    });
    expect((await post(a.baseUrl, '/api/auth/login', right)).status).toBe(401);
    const other = { ...account, email: 'bystander@example.com' };
    expect((await post(a.baseUrl, '/api/auth/register', other)).status).toBe(201);
    expect(
      (await post(b.baseUrl, '/api/auth/login', { email: other.email, password: other.password }))
        .status,
    ).toBe(200);
  });

  it('when a user registers on one instance, then the other logs them in (one shared store)', async () => {
    const [a, b] = await startPair(redis().url, {});

    expect((await post(a.baseUrl, '/api/auth/register', account)).status).toBe(201);

    const credentials = { email: account.email, password: account.password };
    expect((await post(b.baseUrl, '/api/auth/login', credentials)).status).toBe(200);
  });
});
