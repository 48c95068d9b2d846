import { request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { expectError } from '../helpers/api-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

const account = { email: 'jose@example.com', password: 'Str0ng!pass-81', name: 'José Ñúñez' };

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

async function listening(app: ReturnType<typeof buildTestApp>['app']) {
  const started = app.listen(0, '127.0.0.1');
  server = started;
  await new Promise((resolve) => started.once('listening', resolve));
  return (started.address() as AddressInfo).port;
}

/** POSTs `pieces` one write each, chunked (no Content-Length), and returns status and parsed body. */
async function postInPieces(port: number, pieces: Buffer[]) {
  return new Promise<{ status: number; body: { error?: string } }>((resolve, reject) => {
    const outgoing = httpRequest(
      { port, host: '127.0.0.1', method: 'POST', path: '/api/auth/register' },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(text) as { error?: string },
          });
        });
      },
    );
    outgoing.setHeader('Content-Type', 'application/json');
    outgoing.on('error', reject);
    for (const piece of pieces) outgoing.write(piece);
    outgoing.end();
  });
}

describe('JSON request bodies', () => {
  it('when a body arrives in pieces that split a UTF-8 character, then it is read whole', async () => {
    const { app, stores } = buildTestApp();
    const bytes = Buffer.from(JSON.stringify(account));
    // 'é' is two bytes: cut between them.
    const cut = bytes.indexOf(Buffer.from('é')) + 1;

    const answer = await postInPieces(await listening(app), [
      bytes.subarray(0, cut),
      bytes.subarray(cut),
    ]);

    expect(answer.status).toBe(201);
    expect(await stores.users.findLiveUserByEmail(account.email)).toMatchObject({
      name: account.name,
    });
  });

  it('when a chunked body (no Content-Length) grows past the limit, then 413 and nothing stored', async () => {
    const { app, writes } = buildTestApp();
    const piece = Buffer.from(' '.repeat(4096));
    const mark = writes.mark();

    const answer = await postInPieces(await listening(app), [
      Buffer.from('{"email":"a@example.com",'),
      piece,
      piece,
      piece,
      Buffer.from('"password":"Str0ng!pass-81","name":"A"}'),
    ]);

    expect(answer).toMatchObject({ status: 413, body: { error: ErrorCodes.PAYLOAD_TOO_LARGE } });
    expect(writes.since(mark)).toEqual([]);
  });

  it('when an empty chunked body arrives, then 400 VALIDATION_ERROR, not a crash', async () => {
    const { app, writes } = buildTestApp();
    const mark = writes.mark();

    const answer = await postInPieces(await listening(app), []);

    expect(answer).toMatchObject({ status: 400, body: { error: ErrorCodes.VALIDATION_ERROR } });
    expect(writes.since(mark)).toEqual([]);
  });

  it('when the body starts with a UTF-8 byte order mark, then it is read as JSON', async () => {
    const { app } = buildTestApp();
    const byteOrderMark = Buffer.from([0xef, 0xbb, 0xbf]);

    const answer = await postInPieces(await listening(app), [
      Buffer.concat([byteOrderMark, Buffer.from(JSON.stringify(account))]),
    ]);

    expect(answer.status).toBe(201);
  });

  it.each(['application/jsonp', 'application/json-patch+json', 'application/vnd.api+json'])(
    'when the content type is %s, then 415: only application/json is read',
    async (type) => {
      const { app, writes } = buildTestApp();
      const mark = writes.mark();

      const response = await request(app)
        .post('/api/auth/register')
        .set('Content-Type', type)
        .send(JSON.stringify(account));

      expectError(response, ErrorCodes.UNSUPPORTED_MEDIA_TYPE);
      expect(writes.since(mark)).toEqual([]);
    },
  );

  it('when the client goes away in the middle of a body, then nothing is stored and the server answers the next one', async () => {
    const { app, writes, logs } = buildTestApp();
    const mark = writes.mark();
    const port = await listening(app);
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));

    socket.write(
      'POST /api/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 500\r\n\r\n{"email":"gone@example.com","password":"Str0ng!pass-81"',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await expect.poll(() => logs.lines.some((line) => line.aborted === true)).toBe(true);

    const next = await request(app).post('/api/auth/register').send(account);
    expect(next.status).toBe(201);
    // The account, and the request for its verification mail: nothing of the request that went away.
    expect(writes.since(mark)).toEqual([
      { method: 'users.createUser', args: [expect.objectContaining({ email: account.email })] },
      expect.objectContaining({ method: 'mailOutbox.enqueueMail' }),
    ]);
  });
});
