import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseRawResponses,
  rawExchange,
  spawnServer,
  startServer,
} from '../helpers/server-process.js';
import { freePort } from '../helpers/free-port.js';
import { productionEnv } from '../helpers/production-env.js';

describe('starting the server process', () => {
  it('when started in development with no configuration, then it serves the API and keeps its generated secrets', async () => {
    const server = await startServer({ NODE_ENV: 'development' });

    const response = await fetch(`${server.baseUrl}/api/auth/profile`);

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ success: false, error: 'TOKEN_MISSING' });
    expect(existsSync(join(server.cwd, 'data', 'dev-secrets.json'))).toBe(true);
    expect(existsSync(join(server.cwd, 'data', 'auth.db'))).toBe(true);
  });

  it('when requests are answered, then each request line reaches standard output while the server runs', async () => {
    const server = await startServer({ NODE_ENV: 'development' });
    const isProfileLine = (line: Record<string, unknown>) =>
      line.msg === 'request' && line.route === '/api/auth/profile';

    // One request alone (its line waits for the batch timer), then a burst longer than one batch.
    const first = await fetch(`${server.baseUrl}/api/auth/profile`);
    const firstLine = await server.waitForLine(isProfileLine);
    const burst = await Promise.all(
      Array.from({ length: 300 }, () => fetch(`${server.baseUrl}/api/auth/profile`)),
    );
    await server.waitForLine(() => server.lines().filter(isProfileLine).length >= 301);

    expect(first.status).toBe(401);
    expect(firstLine).toMatchObject({
      status: 401,
      error: 'TOKEN_MISSING',
      reqId: first.headers.get('x-request-id'),
    });
    expect(burst.map((response) => response.status)).toEqual(burst.map(() => 401));
    const ids = server
      .lines()
      .filter(isProfileLine)
      .map((line) => line.reqId);
    expect(new Set(ids).size).toBe(301);
    expect(server.child.exitCode).toBeNull();
  });

  it('when production has a weak secret, then it refuses to start, naming the variable but not the value', async () => {
    const server = spawnServer(
      productionEnv({
        JWT_ACCESS_SECRET: 'hunter2hunter2',
        JWT_REFRESH_SECRET: 'another-weak-one',
      }),
    );

    expect(await server.exited).toBe(1);
    expect(server.stderr()).toContain('JWT_ACCESS_SECRET: must be at least 32 bytes');
    expect(server.stderr()).toContain('JWT_REFRESH_SECRET: must be at least 32 bytes');
    expect(server.stderr()).not.toContain('hunter2hunter2');
    expect(server.lines().find((line) => line.msg === 'listening')).toBeUndefined();
  });

  it('when MONGODB_URI names a server that does not answer, then it refuses to start, naming the target but not the password', async () => {
    const port = await freePort();
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

  it('when REDIS_URL names a Redis that does not answer, then it refuses to start without printing the password', async () => {
    const port = await freePort();
    const server = spawnServer({
      NODE_ENV: 'test',
      REDIS_URL: `redis://default:r3dis-secret@127.0.0.1:${String(port)}`,
      REDIS_CONNECT_TIMEOUT: '1s',
    });

    expect(await server.exited).toBe(1);
    expect(server.lines().find((line) => line.level === 'fatal')).toMatchObject({
      msg: 'cannot reach Redis (REDIS_URL); not starting',
    });
    expect(JSON.stringify(server.lines()) + server.stderr()).not.toContain('r3dis-secret');
    expect(server.lines().find((line) => line.msg === 'listening')).toBeUndefined();
  });

  it('when Node refuses a request before Express sees it, then the answer is still JSON in the standard shape', async () => {
    const server = await startServer({ NODE_ENV: 'test' });

    const [oversized] = parseRawResponses(
      await rawExchange(server.baseUrl, (socket) => {
        socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      }),
    );
    const [garbage] = parseRawResponses(
      await rawExchange(server.baseUrl, (socket) => {
        socket.write('NOT AN HTTP REQUEST\r\n\r\n');
      }),
    );

    expect(oversized).toMatchObject({
      status: 431,
      headers: { 'content-type': 'application/json; charset=utf-8', connection: 'close' },
      body: { success: false, error: 'HEADERS_TOO_LARGE' },
    });
    expect(oversized?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(garbage).toMatchObject({ status: 400, body: { success: false, error: 'BAD_REQUEST' } });
  });
});
