import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { logIn, registerAccount } from '../helpers/accounts.js';
import { authorized, expectError, profile, refresh } from '../helpers/api-calls.js';
import { decodePayload } from '../helpers/forged-tokens.js';
import { buildTestApp } from '../helpers/test-app.js';

interface SessionView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  userAgent: string | null;
  ip: string | null;
  current: boolean;
}

const sessionId = (accessToken: string) => decodePayload(accessToken).sid as string;

describe('GET /api/auth/sessions', () => {
  it("when a user has several sessions, then they are listed with the caller's marked current and no one else's", async () => {
    const { app, clock } = buildTestApp();
    const account = await registerAccount(app);
    const phone = await logIn(app, account, 'phone');
    clock.advance('1m');
    const laptop = await logIn(app, account, 'laptop');
    await logIn(app, await registerAccount(app), 'stranger');

    const response = await authorized(app, 'get', '/api/auth/sessions', laptop.accessToken);

    expect(response.status).toBe(200);
    const { sessions } = (response.body as { data: { sessions: SessionView[] } }).data;
    expect(sessions).toEqual([
      {
        id: sessionId(laptop.accessToken),
        createdAt: new Date(clock.now()).toISOString(),
        lastUsedAt: new Date(clock.now()).toISOString(),
        userAgent: 'laptop',
        ip: expect.stringMatching(/127\.0\.0\.1$/) as string,
        current: true,
      },
      expect.objectContaining({
        id: sessionId(phone.accessToken),
        userAgent: 'phone',
        current: false,
      }),
    ]);
  });

  it('when a session has ended, then it is no longer listed', async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app);
    const phone = await logIn(app, account, 'phone');
    const laptop = await logIn(app, account, 'laptop');
    await authorized(app, 'post', '/api/auth/logout', laptop.accessToken)
      .send({ refreshToken: phone.refreshToken })
      .expect(200);

    const response = await authorized(app, 'get', '/api/auth/sessions', laptop.accessToken);

    const { sessions } = (response.body as { data: { sessions: SessionView[] } }).data;
    expect(sessions.map((session) => session.userAgent)).toEqual(['laptop']);
  });

  it('when there is no access token, then 401 TOKEN_MISSING', async () => {
    const { app } = buildTestApp();

    const response = await authorized(app, 'get', '/api/auth/sessions', '').unset('Authorization');

    expectError(response, ErrorCodes.TOKEN_MISSING);
  });
});

describe('DELETE /api/auth/sessions/:id', () => {
  it("when the caller ends another of their sessions, then that session's tokens stop working at once", async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app);
    const phone = await logIn(app, account, 'phone');
    const laptop = await logIn(app, account, 'laptop');

    const response = await authorized(
      app,
      'delete',
      `/api/auth/sessions/${sessionId(phone.accessToken)}`,
      laptop.accessToken,
    );

    expect(response.status).toBe(200);
    expectError(await profile(app, phone.accessToken), ErrorCodes.SESSION_REVOKED);
    expectError(await refresh(app, phone.refreshToken), ErrorCodes.SESSION_REVOKED);
    expect((await profile(app, laptop.accessToken)).status).toBe(200);
  });

  it("when the id is another user's session, then 404 and that session lives on", async () => {
    const { app, writes } = buildTestApp();
    const caller = await logIn(app, await registerAccount(app));
    const victim = await logIn(app, await registerAccount(app));
    const mark = writes.mark();

    const response = await authorized(
      app,
      'delete',
      `/api/auth/sessions/${sessionId(victim.accessToken)}`,
      caller.accessToken,
    );

    expectError(response, ErrorCodes.NOT_FOUND);
    expect(writes.since(mark)).toEqual([]);
    expect((await profile(app, victim.accessToken)).status).toBe(200);
  });

  it.each(['not-a-uuid', "1' OR '1'='1", '%24ne'])(
    'when the id is %s, then 400 naming params.id',
    async (id) => {
      const { app } = buildTestApp();
      const caller = await logIn(app, await registerAccount(app));

      const response = await authorized(
        app,
        'delete',
        `/api/auth/sessions/${id}`,
        caller.accessToken,
      );

      expectError(response, ErrorCodes.VALIDATION_ERROR);
      expect((response.body as { details: Array<{ path: string }> }).details[0]?.path).toBe(
        'params.id',
      );
    },
  );
});

describe('POST /api/auth/logout-all', () => {
  it('when the caller logs out everywhere, then every one of their sessions ends and only theirs', async () => {
    const { app } = buildTestApp();
    const account = await registerAccount(app);
    const sessions = [await logIn(app, account, 'a'), await logIn(app, account, 'b')];
    const stranger = await logIn(app, await registerAccount(app));

    const response = await authorized(
      app,
      'post',
      '/api/auth/logout-all',
      sessions[0]?.accessToken ?? '',
    ).send({});

    expect(response.status).toBe(200);
    expect((response.body as { data: { sessionsEnded: number } }).data.sessionsEnded).toBe(2);
    for (const session of sessions) {
      expectError(await profile(app, session.accessToken), ErrorCodes.SESSION_REVOKED);
      expectError(await refresh(app, session.refreshToken), ErrorCodes.SESSION_REVOKED);
    }
    expect((await profile(app, stranger.accessToken)).status).toBe(200);
  });

  it('when the body has fields, then 400 and nothing ends', async () => {
    const { app } = buildTestApp();
    const caller = await logIn(app, await registerAccount(app));

    const response = await authorized(app, 'post', '/api/auth/logout-all', caller.accessToken).send(
      {
        userId: 'someone-else',
      },
    );

    expectError(response, ErrorCodes.VALIDATION_ERROR);
    expect((await profile(app, caller.accessToken)).status).toBe(200);
  });
});
