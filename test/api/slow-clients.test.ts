// Slow-loris limits on the real listener: a client that sends its headers or its body too slowly is answered 408
// and cut off within its limit plus Node's connection check interval, not at the next 30 s check Node makes by
// default. Short limits keep the cases quick; the production limits are checked as values.
import { connect, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import {
  startHttpServer,
  type RunningServer,
  type SlowClientLimits,
} from '../../src/server/http-server.js';
import { parseRawResponses } from '../helpers/server-process.js';
import { sendSlowly } from '../helpers/slow-client.js';
import { buildTestApp } from '../helpers/test-app.js';

/** Well past each short limit below plus a 1 s check, well short of the 30 s at which Node checks by default. */
const PATIENCE_MS = 10_000;
const BYTE_EVERY_MS = 200;

async function listening(limits?: SlowClientLimits): Promise<RunningServer> {
  const running = await startHttpServer(
    buildTestApp().app,
    { host: '127.0.0.1', port: 0 },
    undefined,
    limits,
  );
  onTestFinished(async () => {
    await running.close(1_000);
  });
  return running;
}

function opener(running: RunningServer): () => Promise<Socket> {
  return () =>
    new Promise((resolve, reject) => {
      const socket = connect(running.address.port, '127.0.0.1', () => {
        resolve(socket);
      });
      socket.once('error', reject);
    });
}

/** Far more bytes than the client's patience lets it send at its pace: the request never completes. */
const endless = (text: string) => text.repeat(Math.ceil(PATIENCE_MS / BYTE_EVERY_MS) * 2);

describe('slow clients', () => {
  it('when a client sends its headers slower than the headers limit, then it is answered 408 REQUEST_TIMEOUT and cut off', async () => {
    // The request limit is past the client's patience: only the headers limit can end this.
    const running = await listening({ headersTimeoutMs: 1_000, requestTimeoutMs: 20_000 });

    const outcome = await sendSlowly({
      open: opener(running),
      start: 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ',
      trickle: endless('a'),
      byteEveryMs: BYTE_EVERY_MS,
      patienceMs: PATIENCE_MS,
    });

    expect(outcome.closedByServer).toBe(true);
    expect(parseRawResponses(outcome.received)).toEqual([
      expect.objectContaining({
        status: 408,
        body: {
          success: false,
          message: ERROR_CATALOGUE.REQUEST_TIMEOUT.message,
          error: 'REQUEST_TIMEOUT',
        },
      }),
    ]);
  });

  it('when a client sends its body slower than the request limit, then it is answered 408 REQUEST_TIMEOUT and cut off', async () => {
    const running = await listening({ headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 });
    const body = endless(' ');

    const outcome = await sendSlowly({
      open: opener(running),
      start:
        'POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${String(body.length)}\r\n\r\n`,
      trickle: body,
      byteEveryMs: BYTE_EVERY_MS,
      patienceMs: PATIENCE_MS,
    });

    expect(outcome.closedByServer).toBe(true);
    expect(parseRawResponses(outcome.received)).toEqual([
      expect.objectContaining({
        status: 408,
        body: {
          success: false,
          message: ERROR_CATALOGUE.REQUEST_TIMEOUT.message,
          error: 'REQUEST_TIMEOUT',
        },
      }),
    ]);
  });

  it('when a slow client completes its request within the limits, then it is served', async () => {
    const running = await listening({ headersTimeoutMs: 5_000, requestTimeoutMs: 10_000 });

    // About 1.2 s of trickling: at least one connection check passes while the headers are incomplete.
    const outcome = await sendSlowly({
      open: opener(running),
      start: 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Slow: aaaa',
      trickle: 'aaaa\r\n\r\n',
      byteEveryMs: 150,
      patienceMs: PATIENCE_MS,
    });

    expect(outcome.closedByServer).toBe(true);
    expect(parseRawResponses(outcome.received)).toEqual([expect.objectContaining({ status: 200 })]);
  });

  it('when the server starts with its production limits, then headers are cut within 11 s and requests within 31 s', async () => {
    const { server } = await listening();
    // Set by Node from the options the server was created with (its type declares it only as an option).
    const checkEveryMs: unknown = Reflect.get(server, 'connectionsCheckingInterval');

    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(30_000);
    // Node enforces both only when it checks its connections: the promise holds up to one interval late.
    expect(checkEveryMs).toBeTypeOf('number');
    expect(server.headersTimeout + Number(checkEveryMs)).toBeLessThanOrEqual(11_000);
    expect(server.requestTimeout + Number(checkEveryMs)).toBeLessThanOrEqual(31_000);
  });
});
