// The real server process on the MongoDB adapter, over the wire to a server of the test's own (a mongod or FerretDB
// on PATH): every route once, as a client uses them, and a fault drill. The drill kills the database under load and
// holds the service to what it promises: 503 SERVICE_UNAVAILABLE with Retry-After (never a 500, never a wait past
// MONGODB_SERVER_SELECTION_TIMEOUT), /ready naming the store, and, once the database is back, the same process
// serving again with every registration it acknowledged still there.
import { randomBytes, randomUUID } from 'node:crypto';
import { generateSync } from 'otplib';
import { afterAll, expect, it } from 'vitest';
import { startMongoServer, type StartedMongoServer } from '../helpers/mongo-server.js';
import { findStartableMongo, withDatabase } from '../helpers/mongo-target.js';
import { describeWithService } from '../helpers/required-service.js';
import { spawnServer, startServer } from '../helpers/server-process.js';

const SELECTION_TIMEOUT_S = 2;
const METRICS_TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  ms: number;
}

async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: object; token?: string } = {},
): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  const body = (text.startsWith('{') ? JSON.parse(text) : { text }) as Record<string, unknown>;
  return {
    status: response.status,
    headers: response.headers,
    body,
    ms: performance.now() - started,
  };
}

const data = (answer: Answer) => {
  if (answer.body.data === undefined)
    throw new Error(`expected data, got ${String(answer.status)} ${JSON.stringify(answer.body)}`);
  return answer.body.data as Record<string, string>;
};

describeWithService(
  'the server on the MongoDB adapter, over the wire',
  findStartableMongo(),
  (binary) => {
    const started: StartedMongoServer[] = [];
    afterAll(() => Promise.all(started.map((server) => server.remove())));
    /** A database server of this suite's own; each is removed when the suite ends. */
    async function newDatabase() {
      const server = await startMongoServer(binary() as Parameters<typeof startMongoServer>[0]);
      started.push(server);
      return server;
    }

    async function startAll() {
      const database = await newDatabase();
      console.info(`MongoDB API tests run against ${database.description}`);
      const server = await startServer({
        NODE_ENV: 'test',
        MONGODB_URI: withDatabase(database.uri, `auth_api_${randomUUID().replaceAll('-', '')}`),
        MONGODB_SERVER_SELECTION_TIMEOUT: `${String(SELECTION_TIMEOUT_S)}s`,
        JWT_ACCESS_SECRET: randomBytes(48).toString('base64'),
        JWT_REFRESH_SECRET: randomBytes(48).toString('base64'),
        METRICS_TOKEN,
        BCRYPT_ROUNDS: '10',
        RATE_LIMIT_LOGIN: '100000',
        RATE_LIMIT_REGISTER: '100000',
        RATE_LIMIT_REFRESH: '100000',
        RATE_LIMIT_API: '100000',
        // One graced replay per rotation, so the second replay of a token is reuse at once, on a real clock.
        REFRESH_REUSE_GRACE_MAX_REPLAYS: '1',
      });
      return { server, database };
    }

    it('when a client uses every route, then each answers as on the embedded store', async () => {
      const { server } = await startAll();
      const base = server.baseUrl;
      const account = { email: 'wire@example.com', password: 'Across-copper-42!', name: 'Wire' };
      const credentials = { email: account.email, password: account.password };

      expect((await call(base, 'GET', '/health')).status).toBe(200);
      expect(data(await call(base, 'GET', '/ready')).status).toBe('ready');
      expect((await call(base, 'POST', '/api/auth/register', { body: account })).status).toBe(201);
      expect((await call(base, 'POST', '/api/auth/register', { body: account })).body.error).toBe(
        'EMAIL_TAKEN',
      );
      const first = data(await call(base, 'POST', '/api/auth/login', { body: credentials }));
      const second = data(await call(base, 'POST', '/api/auth/login', { body: credentials }));
      expect(
        data(await call(base, 'GET', '/api/auth/profile', { token: first.accessToken })).user,
      ).toMatchObject({
        email: account.email,
      });
      const refreshed = data(
        await call(base, 'POST', '/api/auth/refresh', {
          body: { refreshToken: first.refreshToken },
        }),
      );
      // Inside the grace: the same successor, byte for byte, re-signed from what the store holds.
      const graced = data(
        await call(base, 'POST', '/api/auth/refresh', {
          body: { refreshToken: first.refreshToken },
        }),
      );
      expect(graced.refreshToken).toBe(refreshed.refreshToken);
      const reuse = await call(base, 'POST', '/api/auth/refresh', {
        body: { refreshToken: first.refreshToken },
      });
      expect(reuse.body.error).toBe('REFRESH_TOKEN_REUSED');
      const ended = await call(base, 'GET', '/api/auth/profile', { token: graced.accessToken });
      expect(ended.body).toMatchObject({
        error: 'SESSION_REVOKED',
        reason: 'refresh_token_reused',
      });
      const third = data(await call(base, 'POST', '/api/auth/login', { body: credentials }));
      const sessions = (await call(base, 'GET', '/api/auth/sessions', { token: third.accessToken }))
        .body.data as { sessions: Array<{ id: string; current: boolean }> };
      expect(sessions.sessions).toHaveLength(2);
      const other = sessions.sessions.find((session) => !session.current);
      expect(
        (
          await call(base, 'DELETE', `/api/auth/sessions/${other?.id ?? ''}`, {
            token: third.accessToken,
          })
        ).status,
      ).toBe(200);
      expect(
        (await call(base, 'GET', '/api/auth/profile', { token: second.accessToken })).body.error,
      ).toBe('SESSION_REVOKED');
      expect(
        (
          await call(base, 'POST', '/api/auth/change-password', {
            token: third.accessToken,
            body: { currentPassword: account.password, newPassword: 'Silver-lining-2026!' },
          })
        ).status,
      ).toBe(200);
      const fourth = data(
        await call(base, 'POST', '/api/auth/login', {
          body: { email: account.email, password: 'Silver-lining-2026!' },
        }),
      );
      expect(
        data(
          await call(base, 'POST', '/api/auth/logout-all', { token: fourth.accessToken, body: {} }),
        ),
      ).toMatchObject({
        sessionsEnded: 2,
      });
      const fifth = data(
        await call(base, 'POST', '/api/auth/login', {
          body: { email: account.email, password: 'Silver-lining-2026!' },
        }),
      );
      expect(
        (
          await call(base, 'POST', '/api/auth/logout', {
            body: { refreshToken: fifth.refreshToken },
          })
        ).status,
      ).toBe(200);
      const last = data(
        await call(base, 'POST', '/api/auth/login', {
          body: { email: account.email, password: 'Silver-lining-2026!' },
        }),
      );
      expect(
        (
          await call(base, 'DELETE', '/api/auth/account', {
            token: last.accessToken,
            body: { password: 'Silver-lining-2026!' },
          })
        ).status,
      ).toBe(200);
      expect((await call(base, 'POST', '/api/auth/register', { body: account })).status).toBe(201);
      const metrics = await call(base, 'GET', '/metrics', { token: METRICS_TOKEN });
      expect(String(metrics.body.text)).toContain('auth_registrations_total 2');
      expect((await call(base, 'GET', '/api/openapi.json')).status).toBe(200);
      expect(refreshed.refreshToken).not.toBe(first.refreshToken);
    });

    it('when a client turns on two-step sign-in, then codes and recovery codes sign in over the wire, each once', async () => {
      const { server } = await startAll();
      const base = server.baseUrl;
      const account = { email: 'otp@example.com', password: 'Across-copper-42!', name: 'Otp' };
      const credentials = { email: account.email, password: account.password };
      // The app's code at a moment, on the real clock both sides share (a step of 30 s either side is accepted).
      const codeAt = (secret: string, offsetSeconds: number) =>
        generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });
      expect((await call(base, 'POST', '/api/auth/register', { body: account })).status).toBe(201);
      const signedIn = data(await call(base, 'POST', '/api/auth/login', { body: credentials }));
      const { secret } = data(
        await call(base, 'POST', '/api/auth/mfa/totp/setup', {
          token: signedIn.accessToken,
          body: { password: account.password },
        }),
      );
      const confirmingCode = codeAt(secret ?? '', 0);
      const enabled = data(
        await call(base, 'POST', '/api/auth/mfa/totp/confirm', {
          token: signedIn.accessToken,
          body: { code: confirmingCode },
        }),
      ) as unknown as { recoveryCodes: string[]; accessToken: string };
      expect(enabled.recoveryCodes).toHaveLength(10);

      const challenge = data(await call(base, 'POST', '/api/auth/login', { body: credentials }));
      expect(challenge).toMatchObject({ mfaRequired: true });
      expect(challenge).not.toHaveProperty('accessToken');
      // The code (its step) the confirmation used is spent; the step after now is accepted once.
      const spent = await call(base, 'POST', '/api/auth/login/mfa', {
        body: { mfaToken: challenge.mfaToken, code: confirmingCode },
      });
      const nextStep = { mfaToken: challenge.mfaToken, code: codeAt(secret ?? '', 30) };
      const finished = await call(base, 'POST', '/api/auth/login/mfa', { body: nextStep });
      expect(spent.body.error).toBe('MFA_CODE_INVALID');
      expect(finished.status, JSON.stringify(finished.body)).toBe(200);
      expect((await call(base, 'POST', '/api/auth/login/mfa', { body: nextStep })).body.error).toBe(
        'MFA_TOKEN_INVALID',
      );

      const recoveryCode = enabled.recoveryCodes[0] ?? '';
      const withRecoveryCode = async () =>
        call(base, 'POST', '/api/auth/login/mfa', {
          body: {
            mfaToken: data(await call(base, 'POST', '/api/auth/login', { body: credentials }))
              .mfaToken,
            recoveryCode,
          },
        });
      expect((await withRecoveryCode()).status).toBe(200);
      expect((await withRecoveryCode()).body.error).toBe('MFA_CODE_INVALID');
      const status = data(
        await call(base, 'GET', '/api/auth/mfa', { token: data(finished).accessToken }),
      );
      expect(status).toMatchObject({ enabled: true, recoveryCodesRemaining: 9 });
      expect(
        (
          await call(base, 'POST', '/api/auth/mfa/totp/disable', {
            token: data(finished).accessToken,
            body: { password: account.password, recoveryCode: enabled.recoveryCodes[1] },
          })
        ).status,
      ).toBe(200);
      expect(
        data(await call(base, 'POST', '/api/auth/login', { body: credentials })),
      ).toHaveProperty('accessToken');
    });

    it.each([
      [
        'credentials the server refuses',
        (uri: string) => uri.replace('//', '//ada:s3cret-pw@') + '/authdb',
      ],
      ['a database name the server refuses', (uri: string) => `${uri}/bad$name`],
      ['a database name with a dot', (uri: string) => `${uri}/bad.name`],
    ])(
      'when MONGODB_URI has %s, then the process refuses to start, naming the store but never the password',
      async (_, uriFor) => {
        const uri = uriFor((started[0] ?? (await newDatabase())).uri);
        const server = spawnServer({
          NODE_ENV: 'test',
          MONGODB_URI: uri,
          JWT_ACCESS_SECRET: randomBytes(48).toString('base64'),
          JWT_REFRESH_SECRET: randomBytes(48).toString('base64'),
        });

        expect(await server.exited).toBe(1);
        const refusal = server
          .lines()
          .find((line) => line.msg === 'cannot open the store; not starting');
        expect(refusal?.store).toBe(uri.replace('ada:s3cret-pw@', ''));
        expect(JSON.stringify(server.lines()) + server.stderr()).not.toContain('s3cret-pw');
      },
    );

    it('when the database is killed under load and comes back, then 503 with Retry-After, never a hang, and nothing acknowledged lost', async () => {
      const { server, database } = await startAll();
      const base = server.baseUrl;
      const acknowledged: string[] = [];
      const answers: Answer[] = [];
      let loading = true;
      const client = async (worker: number) => {
        for (let n = 0; loading; n += 1) {
          const email = `drill-${String(worker)}-${String(n)}@example.com`;
          const answer = await call(base, 'POST', '/api/auth/register', {
            body: { email, password: 'Drill-under-load-7!', name: 'Drill' },
          }).catch(() => undefined);
          if (!answer) continue;
          answers.push(answer);
          if (answer.status === 201) acknowledged.push(email);
        }
      };
      const load = Promise.all([0, 1, 2, 3].map(client));

      await new Promise((resolve) => setTimeout(resolve, 1500));
      const killedAt = performance.now();
      await database.stop({ abruptly: true });
      const beforeOutage = answers.length;
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const ready = await call(base, 'GET', '/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.details).toEqual([{ path: 'store', message: 'does not answer' }]);

      await database.restart();
      const restartedAt = performance.now();
      let servingAgainMs = Number.NaN;
      for (let tries = 0; tries < 600; tries += 1) {
        if ((await call(base, 'GET', '/ready')).status === 200) {
          servingAgainMs = performance.now() - restartedAt;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      loading = false;
      await load;

      const during = answers.slice(beforeOutage);
      const statuses = new Map<number, number>();
      for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const unavailable = during.filter((answer) => answer.status === 503);
      const slowest = Math.max(...answers.map((answer) => answer.ms));
      console.info(
        `fault drill: ${String(answers.length)} registrations answered (${[...statuses.entries()]
          .map(([status, count]) => `${String(status)}: ${String(count)}`)
          .join(
            ', ',
          )}); slowest answer ${slowest.toFixed(0)} ms; outage ${((restartedAt - killedAt) / 1000).toFixed(1)} s; ` +
          `serving again ${servingAgainMs.toFixed(0)} ms after the database restarted; ${String(acknowledged.length)} acknowledged`,
      );
      expect(answers.every((answer) => answer.status === 201 || answer.status === 503)).toBe(true);
      expect(unavailable.length).toBeGreaterThan(0);
      for (const answer of unavailable) {
        expect(answer.body.error).toBe('SERVICE_UNAVAILABLE');
        expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      }
      expect(slowest).toBeLessThan((SELECTION_TIMEOUT_S + 3) * 1000);
      expect(Number.isFinite(servingAgainMs)).toBe(true);
      // Every registration the service acknowledged is there after the database came back.
      for (const email of acknowledged) {
        const login = await call(base, 'POST', '/api/auth/login', {
          body: { email, password: 'Drill-under-load-7!' },
        });
        expect(login.status, email).toBe(200);
      }
      // A 503 is logged as an error-level request line; an unexpected failure would be a 'request failed' line.
      expect(server.lines().filter((line) => line.msg === 'request failed')).toEqual([]);
    });
  },
);
