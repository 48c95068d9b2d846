// deploy/nginx.conf in Debian's nginx, terminating TLS in front of the real server process in production: clients
// through it get normal answers, HSTS and their real address in the audit log; the service itself refuses plain
// HTTP that bypasses nginx. Only the upstream server, the listen ports and the certificate paths are replaced.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  makeCertificates,
  openSslMissing,
  REQUIRE_OPENSSL,
  type CertificatePair,
} from '../helpers/certificates.js';
import { freePort } from '../helpers/free-port.js';
import { startServer } from '../helpers/server-process.js';

const NGINX_CONF = new URL('../../deploy/nginx.conf', import.meta.url);
// nginx on PATH or in /usr/sbin (Debian's, often not on a user's PATH), or exactly NGINX_PATH.
const NGINX_CANDIDATES = process.env.NGINX_PATH
  ? [process.env.NGINX_PATH]
  : [...(process.env.PATH ?? '').split(':'), '/usr/sbin'].map((dir) => join(dir, 'nginx'));
const NGINX = NGINX_CANDIDATES.find((path) => existsSync(path));
const REQUIRE_NGINX = process.env.REQUIRE_NGINX === '1';
const nginxMissing =
  NGINX === undefined
    ? 'no nginx on PATH or in /usr/sbin (apt-get install nginx, or set NGINX_PATH)'
    : undefined;
const opensslMissing = openSslMissing();
const missing = nginxMissing ?? opensslMissing;
const required =
  (nginxMissing !== undefined && REQUIRE_NGINX) ||
  (opensslMissing !== undefined && REQUIRE_OPENSSL);
if (missing !== undefined && !required) console.warn(`nginx proxy tests NOT run: ${missing}.`);

/** The client's own address, distinct from nginx's 127.0.0.1, so the service's view of each can be told apart. */
const CLIENT_ADDRESS = '127.0.0.2';
const SPOOFED = '203.0.113.9';
const account = { email: 'proxied@example.com', password: 'Behind-the-proxy-42!', name: 'Proxied' };

/** deploy/nginx.conf with loopback ports and throwaway certificates: each replacement matches exactly once. */
function substitutedConf(
  ports: { service: number; https: number; http: number },
  tls: CertificatePair,
) {
  const replacements: Array<[string, string]> = [
    ['server auth-api:3000;', `server 127.0.0.1:${String(ports.service)};`],
    ['listen 443 ssl;', `listen 127.0.0.1:${String(ports.https)} ssl;`],
    ['listen 80;', `listen 127.0.0.1:${String(ports.http)};`],
    ['/etc/nginx/certs/fullchain.pem;', `${tls.certFile};`],
    ['/etc/nginx/certs/privkey.pem;', `${tls.keyFile};`],
  ];
  const original = readFileSync(NGINX_CONF, 'utf8');
  let conf = original;
  for (const [from, to] of replacements) {
    expect(conf.split(from)).toHaveLength(2);
    conf = conf.replace(from, to);
  }
  const changed = conf.split('\n').filter((line, i) => line !== original.split('\n')[i]);
  expect(changed).toHaveLength(replacements.length);
  return conf;
}

/** Waits until something accepts connections on the port (nginx says nothing when it is ready). */
async function accepting(port: number, exited: () => string | undefined): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      }).on('error', () => {
        resolve(false);
      });
    });
    if (open) return;
    const failure = exited();
    if (failure !== undefined) throw new Error(`nginx exited: ${failure}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${String(port)}`);
}

/** The real server in production behind nginx on loopback, both stopped when the test ends. */
async function startStack() {
  if (NGINX === undefined) throw new Error(nginxMissing);
  const { proxy: tls } = makeCertificates('proxy');
  if (tls === undefined) throw new Error('no certificate made');
  const server = await startServer({
    NODE_ENV: 'production',
    JWT_ACCESS_SECRET: randomBytes(48).toString('base64'),
    JWT_REFRESH_SECRET: randomBytes(48).toString('base64'),
    CORS_ORIGINS: 'https://app.example.com',
    // nginx's address only: a client on loopback is not a proxy (see CLIENT_ADDRESS).
    TRUST_PROXY: '127.0.0.1',
    BCRYPT_ROUNDS: '10',
  });
  const ports = { service: Number(new URL(server.baseUrl).port), https: await freePort(), http: 0 };
  while (ports.http === 0 || ports.http === ports.https) ports.http = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'auth-nginx-'));
  writeFileSync(join(dir, 'nginx.conf'), substitutedConf(ports, tls));
  const global = `daemon off; pid ${dir}/nginx.pid; error_log stderr;`;
  const nginx = spawn(NGINX, ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-g', global], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  nginx.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stopped = new Promise((resolve) => nginx.once('exit', resolve));
  onTestFinished(async () => {
    if (nginx.exitCode === null) nginx.kill('SIGTERM');
    await stopped;
    rmSync(dir, { recursive: true, force: true });
  });
  await accepting(ports.https, () => (nginx.exitCode === null ? undefined : stderr));
  const ca = readFileSync(tls.certFile);
  return { server, ports, ca, https: `https://127.0.0.1:${String(ports.https)}` };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** One request from CLIENT_ADDRESS, over https when the URL says so (trusting `ca`). */
function call(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown; ca?: Buffer } = {},
): Promise<Answer> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json', ...options.headers },
      localAddress: CLIENT_ADDRESS,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        const json = res.headers['content-type']?.includes('json') === true;
        const parsed = (json ? JSON.parse(text) : { text }) as Record<string, unknown>;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.end(body);
  });
}

describe.skipIf(missing !== undefined && !required)('nginx in front of the service', () => {
  it('when REQUIRE_NGINX=1 or REQUIRE_OPENSSL=1, then nginx and openssl are available', () => {
    expect(missing).toBeUndefined();
  });

  it('when a client registers and logs in through nginx over HTTPS, then it gets normal answers with HSTS', async () => {
    const { https, ca } = await startStack();

    const registered = await call(`${https}/api/auth/register`, { body: account, ca });
    const credentials = { email: account.email, password: account.password };
    const login = await call(`${https}/api/auth/login`, { body: credentials, ca });

    expect(registered.status).toBe(201);
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ success: true, data: { tokenType: 'Bearer' } });
    expect(login.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    // No id sent: nginx made one (32 hex digits) and the service kept it.
    expect(login.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('when the client spoofs X-Forwarded-For, then the audit log has the address nginx saw, and its request id', async () => {
    const { https, ca, server } = await startStack();
    const headers = { 'x-forwarded-for': SPOOFED, 'x-request-id': 'client-chosen-id-1' };
    await call(`${https}/api/auth/register`, { body: account, ca, headers });

    const credentials = { email: account.email, password: account.password };
    const login = await call(`${https}/api/auth/login`, { body: credentials, ca, headers });
    expect(login.status).toBe(200);
    const audit = await server.waitForLine((line) => line.event === 'login.success');

    // nginx sent "203.0.113.9, 127.0.0.2"; trusting only nginx (127.0.0.1), the service takes the last entry.
    expect(audit.ip).toBe(CLIENT_ADDRESS);
    expect(audit.requestId).toBe('client-chosen-id-1');
    expect(JSON.stringify(server.lines())).not.toContain(SPOOFED);
  });

  it('when a plain-HTTP request goes straight to the service, then it gets 403 HTTPS_REQUIRED while /health answers', async () => {
    const { server } = await startStack();

    const bypass = await call(`${server.baseUrl}/api/auth/login`, {
      body: { email: account.email, password: account.password },
      // Claiming HTTPS does not help a client that is not the trusted proxy.
      headers: { 'x-forwarded-proto': 'https' },
    });
    const health = await call(`${server.baseUrl}/health`);

    expect(bypass.status).toBe(403);
    expect(bypass.body).toEqual({
      success: false,
      message: 'Requests must be made over HTTPS.',
      error: 'HTTPS_REQUIRED',
    });
    expect(bypass.headers['strict-transport-security']).toBeUndefined();
    expect(health.status).toBe(200);
  });

  it('when a plain-HTTP request reaches nginx, then it is redirected to the same path over HTTPS', async () => {
    const { ports } = await startStack();

    const answer = await call(`http://127.0.0.1:${String(ports.http)}/api/auth/me?x=1`);

    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe('https://127.0.0.1/api/auth/me?x=1');
  });

  it('when a body is over the limit, then nginx or the service refuses it with 413 in the standard format', async () => {
    const { https, ca } = await startStack();
    const padded = (bytes: number) => ({ ...account, name: 'x'.repeat(bytes) });

    const byService = await call(`${https}/api/auth/register`, { body: padded(12_000), ca });
    const byNginx = await call(`${https}/api/auth/register`, { body: padded(40_000), ca });

    for (const refused of [byService, byNginx]) {
      expect(refused.status).toBe(413);
      expect(refused.body).toMatchObject({ success: false, error: 'PAYLOAD_TOO_LARGE' });
    }
    expect(byService.headers['x-request-id']).toBeDefined();
    expect(byNginx.headers['x-request-id']).toBeUndefined();
  });

  it('when the service is down, then nginx answers 503 SERVICE_UNAVAILABLE in the standard format', async () => {
    const { https, ca, server } = await startStack();
    server.child.kill('SIGTERM');
    await server.exited;

    const answer = await call(`${https}/health`, { ca });

    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.body).toEqual({
      success: false,
      message: 'The service is temporarily unavailable.',
      error: 'SERVICE_UNAVAILABLE',
    });
  });
});
