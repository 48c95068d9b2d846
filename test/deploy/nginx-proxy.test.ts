// deploy/nginx.conf in Debian's nginx, terminating TLS in front of the real server process in production: clients
// through it get normal answers, HSTS and their real address in the audit log; the service itself refuses plain
// HTTP that bypasses nginx. Only the upstream server, the listen ports and the certificate paths are replaced.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { findOpenSsl, makeCertificates, type CertificatePair } from '../helpers/certificates.js';
import { untilOutput } from '../helpers/child-output.js';
import { freePort } from '../helpers/free-port.js';
import { productionEnv } from '../helpers/production-env.js';
import {
  bothServices,
  describeWithService,
  serviceFound,
  serviceMissing,
  type ServiceSearch,
} from '../helpers/required-service.js';
import { startServer } from '../helpers/server-process.js';

const NGINX_CONF = new URL('../../deploy/nginx.conf', import.meta.url);

/** nginx on PATH or in /usr/sbin (Debian's, often not on a user's PATH), or exactly NGINX_PATH. */
function findNginx(): ServiceSearch<string> {
  const of = { name: 'nginx', requiredBy: 'REQUIRE_NGINX' } as const;
  const candidates = process.env.NGINX_PATH
    ? [process.env.NGINX_PATH]
    : [...(process.env.PATH ?? '').split(':'), '/usr/sbin'].map((dir) => join(dir, 'nginx'));
  const nginx = candidates.find((path) => existsSync(path));
  return nginx === undefined
    ? serviceMissing(
        of,
        'no nginx on PATH or in /usr/sbin (apt-get install nginx, or set NGINX_PATH)',
      )
    : serviceFound(of, nginx);
}

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

/** The real server in production behind nginx on loopback, both stopped when the test ends. */
async function startStackWith(nginxPath: string) {
  const { proxy: tls } = makeCertificates('proxy');
  if (tls === undefined) throw new Error('no certificate made');
  const server = await startServer(
    productionEnv({
      // nginx's address only: a client on loopback is not a proxy (see CLIENT_ADDRESS).
      TRUST_PROXY: '127.0.0.1',
      BCRYPT_ROUNDS: '10',
    }),
  );
  const ports = { service: Number(new URL(server.baseUrl).port), https: await freePort(), http: 0 };
  while (ports.http === 0 || ports.http === ports.https) ports.http = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'auth-nginx-'));
  writeFileSync(join(dir, 'nginx.conf'), substitutedConf(ports, tls));
  // At notice level nginx says "start worker processes" once its listening sockets are open: its readiness line.
  const global = `daemon off; pid ${dir}/nginx.pid; error_log stderr notice;`;
  const nginx = spawn(nginxPath, ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-g', global], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stopped = new Promise((resolve) => nginx.once('exit', resolve));
  onTestFinished(async () => {
    if (nginx.exitCode === null) nginx.kill('SIGTERM');
    await stopped;
    rmSync(dir, { recursive: true, force: true });
  });
  await untilOutput(
    nginx,
    nginx.stderr,
    (output) => output.includes('start worker processes'),
    'nginx',
  );
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

const nginxAndOpenSsl = bothServices(findNginx(), findOpenSsl());

describeWithService('nginx in front of the service', nginxAndOpenSsl, (found) => {
  const startStack = () => startStackWith(found()[0]);

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
