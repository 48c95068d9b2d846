// What a request for a link mail (password/forgot, email/verify/resend, email/change) writes, whatever the address:
// one sealed outbox row of one shape and no one-time token, so the request costs the same for every address (DESIGN
// section 8). The address is looked up and the link minted later, by the outbox worker (link-mail-composer.ts).
import Database from 'better-sqlite3';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { logIn, registerAccount } from '../helpers/accounts.js';
import { buildRecoveryTestApp, type RecoveryTestApp } from '../helpers/recovery-app.js';

/** What one request wrote: every store write it made, and its outbox row reduced to its shape. */
interface RequestWrites {
  answer: { status: number; body: unknown };
  writes: string[];
  kind: string | undefined;
  row: unknown;
}

async function setUp() {
  const db = new Database(':memory:');
  onTestFinished(() => {
    db.close();
  });
  // Per-IP budgets above the requests of a test: only what the service does may differ.
  const testApp = await buildRecoveryTestApp({ db, env: { RATE_LIMIT_FORGOT: '50' } });
  const tokens = () =>
    db.prepare<[], { count: number }>('SELECT count(*) AS count FROM one_time_tokens').get()?.count;

  /** The outbox row of `id` as SQLite holds it, reduced to its shape: what is the same for every address. */
  function rowShape(id: string) {
    const row = db.prepare('SELECT * FROM mail_outbox WHERE id = ?').get(id) as Record<
      string,
      unknown
    >;
    return {
      columns: Object.entries(row).map(([name, value]) => [
        name,
        value === null ? null : typeof value,
      ]),
      kind: row.kind,
      state: row.state,
      attempts: row.attempts,
      lifetimeMs: Number(row.not_after) - Number(row.created_at),
    };
  }

  /** Sends a request and returns its answer and what it wrote: every store write, and the shape of its row. */
  async function writesOf(send: () => Promise<request.Response>): Promise<RequestWrites> {
    const mark = testApp.writes.mark();
    const answer = await send();
    const writes = testApp.writes.since(mark);
    const [enqueued] = writes.map((write) => write.args[0] as { id?: string; kind?: string });
    return {
      answer: { status: answer.status, body: answer.body as unknown },
      writes: writes.map((write) => write.method),
      kind: enqueued?.kind,
      row: enqueued?.id === undefined ? undefined : rowShape(enqueued.id),
    };
  }

  return { testApp, tokens, writesOf };
}

const forgot = (app: RecoveryTestApp['app'], email: string) => () =>
  request(app).post('/api/auth/password/forgot').send({ email });

/** Every request wrote the one row, of the request kind, and all of them are alike. */
function expectOneRowAlike(results: RequestWrites[]) {
  for (const result of results) {
    expect(result.writes).toEqual(['mailOutbox.enqueueMail']);
    expect(result.kind).toBe('mail_request');
  }
  const alike = (pick: (result: RequestWrites) => unknown) =>
    new Set(results.map((result) => JSON.stringify(pick(result)))).size;
  expect(alike((result) => result.answer)).toBe(1);
  expect(alike((result) => result.row)).toBe(1);
}

describe('what a request for a link mail writes', () => {
  it('when known, unknown, deleted, unverified and cooled-down addresses ask for a reset, then each writes one request row of one shape and no token', async () => {
    const { testApp, tokens, writesOf } = await setUp();
    const [known, unverified, deleted] = [
      await registerAccount(testApp.app),
      await registerAccount(testApp.app),
      await registerAccount(testApp.app),
    ];
    await testApp.stores.users.markEmailVerified(known.id, new Date(testApp.clock.now()));
    const { accessToken } = await logIn(testApp.app, deleted);
    await request(testApp.app)
      .delete('/api/auth/account')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ password: deleted.password })
      .expect(200);

    const results = [];
    for (const email of [
      known.email,
      'nobody@example.com',
      deleted.email,
      unverified.email,
      known.email, // cooled down: asked for a minute ago
    ]) {
      results.push(await writesOf(forgot(testApp.app, email)));
    }

    expectOneRowAlike(results);
    expect(results[0]?.answer.status).toBe(202);
    expect(tokens()).toBe(0);
  });

  it('when unverified, verified, unknown and cooled-down addresses and signed-in callers ask for a verification link, then each writes one request row of one shape and no token', async () => {
    const { testApp, tokens, writesOf } = await setUp();
    const [unverified, verified] = [
      await registerAccount(testApp.app),
      await registerAccount(testApp.app),
    ];
    await testApp.stores.users.markEmailVerified(verified.id, new Date(testApp.clock.now()));
    const [unverifiedCaller, verifiedCaller] = [
      await logIn(testApp.app, unverified),
      await logIn(testApp.app, verified),
    ];
    // Past the minute the registrations' own requests count against.
    testApp.clock.advance('61s');
    const resend = (body: object, accessToken?: string) => () => {
      const call = request(testApp.app).post('/api/auth/email/verify/resend');
      return (accessToken ? call.set('Authorization', `Bearer ${accessToken}`) : call).send(body);
    };

    const results = [];
    for (const send of [
      resend({ email: unverified.email }),
      resend({ email: verified.email }),
      resend({ email: 'nobody@example.com' }),
      resend({ email: unverified.email }), // cooled down
      resend({}, unverifiedCaller.accessToken), // cooled down too: the same address
      resend({}, verifiedCaller.accessToken),
    ]) {
      results.push(await writesOf(send));
    }

    expectOneRowAlike(results);
    expect(tokens()).toBe(0);
  });

  it('when a signed-in account asks to move to a free, a taken and a cooled-down address, then each writes one request row of one shape and no token', async () => {
    const { testApp, tokens, writesOf } = await setUp();
    const [account, taken] = [
      await registerAccount(testApp.app),
      await registerAccount(testApp.app),
    ];
    const { accessToken } = await logIn(testApp.app, account);
    const change = (newEmail: string) => () =>
      request(testApp.app)
        .post('/api/auth/email/change')
        .set('Authorization', `Bearer ${accessToken}`)
        .send({ newEmail, password: account.password });

    const results = [];
    for (const newEmail of ['free@example.com', taken.email, 'free@example.com']) {
      results.push(await writesOf(change(newEmail)));
    }

    expectOneRowAlike(results);
    expect(tokens()).toBe(0);
  });
});
