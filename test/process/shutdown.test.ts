import { describe, expect, it } from 'vitest';
import {
  parseRawResponses,
  post,
  rawExchange,
  receivedRequests,
  startServer,
} from '../helpers/server-process.js';

const account = { email: 'process@example.com', password: 'Str0ng!pass', name: 'Process' };

describe('stopping the server process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'when %s arrives with requests in flight, then each completes, new connections are refused, and it exits 0',
    async (signal) => {
      // Cost 13: each login spends a few hundred milliseconds in bcrypt, so the requests are surely in flight.
      const server = await startServer({
        NODE_ENV: 'test',
        BCRYPT_ROUNDS: '13',
        LOG_LEVEL: 'debug',
      });
      expect((await post(server.baseUrl, '/api/auth/register', account).reply).status).toBe(201);

      const logins = Array.from({ length: 6 }, () =>
        post(server.baseUrl, '/api/auth/login', {
          email: account.email,
          password: account.password,
        }),
      );
      await Promise.all(logins.map((login) => login.sent));
      await receivedRequests(server, 1 + logins.length);
      server.child.kill(signal);
      await server.waitForLine((line) => line.msg === 'shutting down');
      const lateConnection = fetch(`${server.baseUrl}/health`).then(
        () => 'connected',
        () => 'refused',
      );

      const replies = await Promise.all(logins.map((login) => login.reply));
      for (const reply of replies) {
        expect(reply.status).toBe(200);
        expect((reply.body.data as Record<string, unknown>).accessToken).toEqual(
          expect.any(String),
        );
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
    },
  );

  it('when a request arrives on an open connection during shutdown, then it gets 503 and the connection closes', async () => {
    const server = await startServer({ NODE_ENV: 'test', BCRYPT_ROUNDS: '13', LOG_LEVEL: 'debug' });
    expect((await post(server.baseUrl, '/api/auth/register', account).reply).status).toBe(201);
    const login = JSON.stringify({ email: account.email, password: account.password });

    const exchange = rawExchange(server.baseUrl, (socket) => {
      socket.write(
        `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${String(Buffer.byteLength(login))}\r\n\r\n${login}`,
      );
      // The second request goes on the same connection once the shutdown has begun.
      void server
        .waitForLine((line) => line.msg === 'shutting down')
        .then(() => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
    });
    await receivedRequests(server, 2);
    server.child.kill('SIGTERM');

    const [first, second, ...rest] = parseRawResponses(await exchange);
    expect(first?.status).toBe(200);
    expect(second).toMatchObject({
      status: 503,
      headers: { connection: 'close' },
      body: { success: false, error: 'SERVICE_UNAVAILABLE' },
    });
    expect(rest).toEqual([]);
    expect(await server.exited).toBe(0);
  });

  it('when a second signal arrives during the shutdown, then the process exits at once with 1', async () => {
    // Cost 15: the registration is still in bcrypt when both signals have arrived.
    const server = await startServer({ NODE_ENV: 'test', BCRYPT_ROUNDS: '15', LOG_LEVEL: 'debug' });
    const slow = post(server.baseUrl, '/api/auth/register', account);
    const outcome = slow.reply.then(
      () => 'answered',
      () => 'cut off',
    );
    await receivedRequests(server, 1);

    server.child.kill('SIGTERM');
    await server.waitForLine((line) => line.msg === 'shutting down');
    server.child.kill('SIGTERM');

    expect(await server.exited).toBe(1);
    expect(await outcome).toBe('cut off');
    expect(server.lines().map((line) => line.msg)).toContain(
      'second signal during shutdown: exiting now',
    );
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
