import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnServer, startServer } from '../helpers/server-process.js';

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** A POST whose request is fully written before `sent` resolves, so a test knows it is in flight. */
function post(baseUrl: string, path: string, body: object) {
  let markSent: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const reply = new Promise<Reply>((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('finish', markSent);
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
      });
      res.on('error', reject);
    });
    req.end(JSON.stringify(body));
  });
  return { sent, reply };
}

/** Waits until the server has taken `count` requests (its debug line), so they are surely in flight. */
async function receivedRequests(server: ReturnType<typeof spawnServer>, count: number) {
  await server.waitForLine(
    () => server.lines().filter((line) => line.msg === 'request received').length >= count,
  );
}

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

const account = { email: 'process@example.com', password: 'Str0ng!pass', name: 'Process' };

describe('the server process', () => {
  it('when started in development with no configuration, then it serves the API and keeps its generated secrets', async () => {
    const server = await startServer({ NODE_ENV: 'development' });

    const response = await fetch(`${server.baseUrl}/api/auth/profile`);

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ success: false, error: 'TOKEN_MISSING' });
    expect(existsSync(join(server.cwd, 'data', 'dev-secrets.json'))).toBe(true);
    expect(existsSync(join(server.cwd, 'data', 'auth.db'))).toBe(true);
  });

  it('when production has a weak secret, then it refuses to start, naming the variable but not the value', async () => {
    const server = spawnServer({
      NODE_ENV: 'production',
      JWT_ACCESS_SECRET: 'hunter2hunter2',
      JWT_REFRESH_SECRET: 'another-weak-one',
      CORS_ORIGINS: 'https://app.example.com',
      TRUST_PROXY: '1',
    });

    expect(await server.exited).toBe(1);
    expect(server.stderr()).toContain('JWT_ACCESS_SECRET: must be at least 32 bytes');
    expect(server.stderr()).toContain('JWT_REFRESH_SECRET: must be at least 32 bytes');
    expect(server.stderr()).not.toContain('hunter2hunter2');
    expect(server.lines().find((line) => line.msg === 'listening')).toBeUndefined();
  });

  it('when MONGODB_URI names a server that does not answer, then it refuses to start, naming the target but not the password', async () => {
    const port = await closedPort();
    const server = spawnServer({
      NODE_ENV: 'test',
      MONGODB_URI: `mongodb://auth:s3cret-pass@127.0.0.1:${String(port)}/auth-api`,
      MONGODB_SERVER_SELECTION_TIMEOUT: '1s',
    });

    expect(await server.exited).toBe(1);
    const fatal = server.lines().find((line) => line.level === 'fatal');
    expect(fatal).toMatchObject({
      msg: 'cannot open the store; not starting',
      store: `mongodb://127.0.0.1:${String(port)}/auth-api`,
    });
    expect(JSON.stringify(server.lines()) + server.stderr()).not.toContain('s3cret-pass');
    expect(server.lines().find((line) => line.msg === 'listening')).toBeUndefined();
  });

  it('when SIGTERM arrives with requests in flight, then each completes, new connections are refused, and it exits 0', async () => {
    // Cost 13: each login spends a few hundred milliseconds in bcrypt, so the requests are surely in flight.
    const server = await startServer({ NODE_ENV: 'test', BCRYPT_ROUNDS: '13', LOG_LEVEL: 'debug' });
    expect((await post(server.baseUrl, '/api/auth/register', account).reply).status).toBe(201);

    const logins = Array.from({ length: 6 }, () =>
      post(server.baseUrl, '/api/auth/login', { email: account.email, password: account.password }),
    );
    await Promise.all(logins.map((login) => login.sent));
    await receivedRequests(server, 1 + logins.length);
    server.child.kill('SIGTERM');
    await server.waitForLine((line) => line.msg === 'shutting down');
    const lateConnection = fetch(`${server.baseUrl}/health`).then(
      () => 'connected',
      () => 'refused',
    );

    const replies = await Promise.all(logins.map((login) => login.reply));
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect((reply.body.data as Record<string, unknown>).accessToken).toEqual(expect.any(String));
    }
    expect(await lateConnection).toBe('refused');
    expect(await server.exited).toBe(0);
    const messages = server.lines().map((line) => line.msg);
    const shutdownAt = messages.indexOf('shutting down');
    const loginLinesAfterSignal = server
      .lines()
      .slice(shutdownAt)
      .filter((line) => line.route === '/api/auth/login' && line.status === 200);
    expect(loginLinesAfterSignal.length).toBeGreaterThan(0);
    expect(messages.at(-1)).toBe('shutdown complete');
  });

  it('when a request outlives SHUTDOWN_TIMEOUT, then its connection is cut at the deadline and the process still exits 0', async () => {
    // Cost 15 makes one bcrypt comparison take longer than the 1 s deadline.
    const server = await startServer({
      NODE_ENV: 'test',
      BCRYPT_ROUNDS: '15',
      SHUTDOWN_TIMEOUT: '1s',
      LOG_LEVEL: 'debug',
    });
    const slow = post(server.baseUrl, '/api/auth/register', account);
    await receivedRequests(server, 1);

    server.child.kill('SIGTERM');

    await expect(slow.reply).rejects.toThrow();
    expect(await server.exited).toBe(0);
    expect(server.lines().map((line) => line.msg)).toContain(
      'shutdown deadline reached: remaining connections were closed',
    );
  }, 30_000);
});
