// One app under hostile input, with a known logged-in account, and the checks every answer must pass: never a 5xx,
// the one error shape with a catalogued code and status, nothing stored by a refusal, no secret in the answer or
// the log, and no polluted prototype.
import type { Server } from 'node:http';
import request from 'supertest';
import { expect, onTestFinished } from 'vitest';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors/error-catalogue.js';
import { startHttpServer } from '../../src/server/http-server.js';
import { newAccountInput, registerAndLogIn, type LoggedIn } from './accounts.js';
import type { RawBody } from './hostile-request-parts.js';
import type { StoreWrite } from './store-writes.js';
import { buildTestApp, type TestApp } from './test-app.js';

/** Budgets high enough that a 429 never hides what the input did. */
const HIGH_LIMITS = {
  RATE_LIMIT_LOGIN: '1000000',
  RATE_LIMIT_REGISTER: '1000000',
  RATE_LIMIT_REFRESH: '1000000',
  RATE_LIMIT_API: '1000000',
  LOGIN_THROTTLE_FAILURES: '1000',
};

const BCRYPT_SHAPE = /\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}/;
const POLLUTION_PROBES = ['polluted', 'role', 'isAdmin'];

export type Endpoint = 'register' | 'login' | 'refresh' | 'logout' | 'profile';
/** A place in the record of the app's store writes (see store-writes.ts). */
type Mark = number;

const isSuccess = (response: request.Response) => response.status >= 200 && response.status < 300;

export class HostileTarget {
  private readonly prototypeNames = Object.getOwnPropertyNames(Object.prototype);
  /** Tokens handed out by successful requests during the run: no later answer or log line may hold them either. */
  private readonly issued: string[] = [];

  private constructor(
    readonly testApp: TestApp,
    private readonly server: Server,
    readonly known: LoggedIn,
  ) {}

  /** A fresh app with high limits, served on one loopback port, and one registered, logged-in account. */
  static async arrange(): Promise<HostileTarget> {
    const testApp = buildTestApp({ env: HIGH_LIMITS });
    // The real listener, so that what Node's parser refuses is answered as in production.
    const running = await startHttpServer(testApp.app, { host: '127.0.0.1', port: 0 });
    onTestFinished(async () => {
      await running.close(1_000);
    });
    return new HostileTarget(testApp, running.server, await registerAndLogIn(testApp.app));
  }

  get secrets(): string[] {
    const { account, accessToken, refreshToken } = this.known;
    return [account.password, accessToken, refreshToken, ...this.issued];
  }

  mark(): Mark {
    return this.testApp.writes.mark();
  }

  /** How many calls of `method` changed the store since `mark`. */
  count(method: StoreWrite['method'], mark: Mark): number {
    return this.testApp.writes.since(mark).filter((write) => write.method === method).length;
  }

  async emailTaken(email: string): Promise<boolean> {
    return (await this.testApp.stores.users.findLiveUserByEmail(email)) !== undefined;
  }

  postJson(path: string, text: string): request.Test {
    return request(this.server).post(path).set('Content-Type', 'application/json').send(text);
  }

  postRaw(path: string, raw: RawBody): request.Test {
    const test = request(this.server).post(path);
    if (raw.contentType !== undefined) test.set('Content-Type', raw.contentType);
    if (raw.contentEncoding !== undefined) test.set('Content-Encoding', raw.contentEncoding);
    if (!raw.chunked) test.set('Content-Length', String(raw.bytes.byteLength));
    test.write(Buffer.from(raw.bytes));
    return test;
  }

  getProfile(authorization: string | undefined, query = ''): request.Test {
    const test = request(this.server).get(`/api/auth/profile${query}`);
    return authorization === undefined ? test : test.set('Authorization', authorization);
  }

  /** A request that would succeed for `endpoint`, with `query` (including its `?`) on the URL. */
  validRequest(endpoint: Endpoint, query: string): request.Test {
    const path = `/api/auth/${endpoint}${query}`;
    const { account, accessToken, refreshToken } = this.known;
    switch (endpoint) {
      case 'register':
        return this.postJson(path, JSON.stringify(newAccountInput()));
      case 'login':
        return this.postJson(
          path,
          JSON.stringify({ email: account.email, password: account.password }),
        );
      case 'refresh':
      case 'logout':
        return this.postJson(path, JSON.stringify({ refreshToken }));
      case 'profile':
        return this.getProfile(`Bearer ${accessToken}`, query);
    }
  }

  /** Everything that must hold for any answer to any input; `before` is the mark taken before the request. */
  expectSafeAnswer(response: request.Response, before: Mark): void {
    expect(response.status, response.text).toBeLessThan(500);
    const body = JSON.parse(response.text) as Record<string, unknown>;
    if (isSuccess(response)) {
      expect(body.success).toBe(true);
    } else {
      expectErrorShape(response, body);
      const changes = this.testApp.writes.since(before);
      expect(changes, 'a refused request changed the store').toEqual([]);
    }
    this.expectNoSecretIn(response.text + JSON.stringify(response.headers), 'the response');
    this.expectNoSecretIn(this.testApp.logs.text, 'the log');
    const { data } = body as { data?: { accessToken?: unknown; refreshToken?: unknown } };
    for (const token of [data?.accessToken, data?.refreshToken]) {
      if (typeof token === 'string') this.issued.push(token);
    }
    const probe: Record<string, unknown> = {};
    for (const name of POLLUTION_PROBES) expect(probe[name], `({}).${name}`).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(this.prototypeNames);
  }

  /** After a run: the process still serves, the known session is still live, and the account still logs in. */
  async expectStillServing(): Promise<void> {
    const { account, accessToken, refreshToken } = this.known;
    expect((await request(this.server).get('/health')).status).toBe(200);
    expect((await this.getProfile(`Bearer ${accessToken}`)).status).toBe(200);
    const login = { email: account.email, password: account.password };
    expect((await this.postJson('/api/auth/login', JSON.stringify(login))).status).toBe(200);
    const refreshed = await this.postJson('/api/auth/refresh', JSON.stringify({ refreshToken }));
    expect(refreshed.status).toBe(200);
  }

  /** The secrets the app handed the store: every password hash and refresh-token hash it wrote. */
  private storedSecrets(): string[] {
    return this.testApp.writes
      .since(0)
      .flatMap(({ args }) => args)
      .flatMap((arg) => {
        const { passwordHash, tokenHash } = (arg ?? {}) as Record<string, unknown>;
        return [passwordHash, tokenHash].filter((value) => typeof value === 'string');
      });
  }

  private expectNoSecretIn(text: string, where: string): void {
    for (const secret of [...this.secrets, ...this.storedSecrets()]) {
      expect(text.includes(secret), `${where} holds a secret`).toBe(false);
    }
    expect(BCRYPT_SHAPE.test(text), `${where} holds a bcrypt hash`).toBe(false);
  }
}

/** {success:false, message, error[, details:[{path, message}]]}, nothing else, with the catalogue's status. */
function expectErrorShape(response: request.Response, body: Record<string, unknown>): void {
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const keys =
    body.details === undefined
      ? ['error', 'message', 'success']
      : ['details', 'error', 'message', 'success'];
  expect(Object.keys(body).sort()).toEqual(keys);
  expect(body.success).toBe(false);
  expect(typeof body.message).toBe('string');
  expect(Object.keys(ERROR_CATALOGUE)).toContain(body.error);
  expect(response.status).toBe(ERROR_CATALOGUE[body.error as ErrorCode].status);
  if (body.details === undefined) return;
  expect(Array.isArray(body.details)).toBe(true);
  for (const detail of body.details as unknown[]) {
    expect(Object.keys(detail as object).sort()).toEqual(['message', 'path']);
    const { path, message } = detail as { path: unknown; message: unknown };
    expect([typeof path, typeof message]).toEqual(['string', 'string']);
  }
}
