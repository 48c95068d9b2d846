// Native TLS in the real server process: HTTPS with a certificate from disk, TLS 1.2 at least, SIGHUP swapping the
// certificate for new connections while open ones carry on, and the slow-loris headers limit holding over TLS.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request, type RequestOptions } from 'node:https';
import { connect, TLSSocket } from 'node:tls';
import { expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors/error-catalogue.js';
import { findOpenSsl, makeCertificates, type CertificatePair } from '../helpers/certificates.js';
import { describeWithService } from '../helpers/required-service.js';
import { parseRawResponses, spawnServer, type ServerProcess } from '../helpers/server-process.js';
import { sendSlowly } from '../helpers/slow-client.js';

interface Reply {
  status: number;
  body: string;
  /** The connection and what it negotiated, read when the response began (the socket is released after). */
  socket: TLSSocket;
  protocol: string | null;
  peerCommonName: string;
}

function httpsCall(url: string, options: RequestOptions, body?: object): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { ...options, headers: { 'content-type': 'application/json' } },
      (res) => {
        const { socket } = res;
        if (!(socket instanceof TLSSocket)) throw new Error('expected a TLS connection');
        const protocol = socket.getProtocol();
        const peerCommonName = String(socket.getPeerCertificate().subject.CN);
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: text, socket, protocol, peerCommonName });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** The common name of the certificate a brand-new connection is served. */
function certificateOfNewConnection(port: number, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      resolve(String(socket.getPeerCertificate().subject.CN));
      socket.end();
    });
    socket.on('error', reject);
  });
}

/** Certificates by name, each one known to exist. */
function certificates<N extends string>(...names: N[]): Record<N, CertificatePair> {
  const made = makeCertificates(...names);
  return Object.fromEntries(
    names.map((name) => {
      const pair = made[name];
      if (pair === undefined) throw new Error(`no certificate for ${name}`);
      return [name, pair];
    }),
  ) as Record<N, CertificatePair>;
}

async function startOverTls(files: {
  certFile: string;
  keyFile: string;
}): Promise<ServerProcess & { port: number }> {
  const server = spawnServer({
    NODE_ENV: 'test',
    TLS_CERT_FILE: files.certFile,
    TLS_KEY_FILE: files.keyFile,
  });
  const listening = await server.waitForLine((line) => line.msg === 'listening');
  return { ...server, port: Number(listening.port) };
}

describeWithService('native TLS', findOpenSsl(), () => {
  it('when the server terminates TLS, then clients trusting its certificate register and log in over HTTPS', async () => {
    const { first } = certificates('first');
    const server = await startOverTls(first);
    const ca = readFileSync(first.certFile);
    const base = `https://127.0.0.1:${String(server.port)}/api/auth`;
    const account = { email: 'tls@example.com', password: 'Over-the-wire-42!', name: 'Tls' };

    const registered = await httpsCall(`${base}/register`, { method: 'POST', ca }, account);
    const login = await httpsCall(
      `${base}/login`,
      { method: 'POST', ca },
      { email: account.email, password: account.password },
    );

    expect(registered.status).toBe(201);
    expect(login.status).toBe(200);
    expect(login.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(login.peerCommonName).toBe('first');
    await expect(
      httpsCall(`https://127.0.0.1:${String(server.port)}/health`, {
        ca,
        maxVersion: 'TLSv1.1',
        minVersion: 'TLSv1',
      }),
    ).rejects.toThrow();
  });

  it('when the certificate files are replaced and SIGHUP arrives, then new connections get the new certificate while an open one carries on', async () => {
    const { first, second } = certificates('first', 'second');
    const live = { certFile: `${first.certFile}.live`, keyFile: `${first.keyFile}.live` };
    copyFileSync(first.certFile, live.certFile);
    copyFileSync(first.keyFile, live.keyFile);
    const server = await startOverTls(live);
    const trustBoth = Buffer.concat([readFileSync(first.certFile), readFileSync(second.certFile)]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: trustBoth });
    const healthUrl = `https://127.0.0.1:${String(server.port)}/health`;
    const before = await httpsCall(healthUrl, { agent });

    copyFileSync(second.certFile, live.certFile);
    copyFileSync(second.keyFile, live.keyFile);
    server.child.kill('SIGHUP');
    await server.waitForLine((line) => line.msg === 'TLS certificate reloaded');

    const after = await httpsCall(healthUrl, { agent });
    expect(after.status).toBe(200);
    expect(before.peerCommonName).toBe('first');
    expect(after.socket).toBeDefined();
    expect(after.socket).toBe(before.socket);
    expect(after.peerCommonName).toBe('first');
    expect(await certificateOfNewConnection(server.port, trustBoth)).toBe('second');
    agent.destroy();
  });

  it('when the new certificate file does not parse, then SIGHUP keeps the current one and logs one clear error', async () => {
    const { first } = certificates('first');
    const live = { certFile: `${first.certFile}.live`, keyFile: first.keyFile };
    copyFileSync(first.certFile, live.certFile);
    const server = await startOverTls(live);

    writeFileSync(live.certFile, 'not a certificate');
    server.child.kill('SIGHUP');
    const failure = await server.waitForLine((line) => line.level === 'error');

    expect(failure.msg).toBe(
      'TLS certificate reload failed; still serving the previous certificate',
    );
    expect(JSON.stringify(failure)).toContain('is not a PEM certificate');
    expect(await certificateOfNewConnection(server.port, readFileSync(first.certFile))).toBe(
      'first',
    );
    expect(server.lines().filter((line) => line.level === 'error')).toHaveLength(1);
  });

  it('when a client sends its headers slowly over TLS, then the production limit answers 408 within 10 s and a 1 s check', async () => {
    const { first } = certificates('first');
    const server = await startOverTls(first);
    const ca = readFileSync(first.certFile);
    const open = () =>
      new Promise<TLSSocket>((resolve, reject) => {
        const socket = connect(
          { host: '127.0.0.1', port: server.port, ca, servername: 'localhost' },
          () => {
            resolve(socket);
          },
        );
        socket.once('error', reject);
      });

    // 20 s of patience: past 10 s and one check with room for a loaded machine, short of Node's default 30 s check.
    const outcome = await sendSlowly({
      open,
      start: 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ',
      trickle: 'a'.repeat(100),
      byteEveryMs: 500,
      patienceMs: 20_000,
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

  it('when the key does not match the certificate at start, then the process refuses to start, naming the files', async () => {
    const { first, second } = certificates('first', 'second');
    const server = spawnServer({
      NODE_ENV: 'test',
      TLS_CERT_FILE: first.certFile,
      TLS_KEY_FILE: second.keyFile,
    });

    expect(await server.exited).toBe(1);
    expect(JSON.stringify(server.lines())).toContain(
      `TLS_KEY_FILE ${second.keyFile} is not the key of ${first.certFile}`,
    );
  });
});
