// The reuse grace (DESIGN section 9) seen from a client: a token presented again moments after its rotation (a second
// tab, a retry after a lost answer) gets the same successor, byte for byte, so every tab converges on one token and
// none is signed out; a thief replaying it outside the window, or past the cap, is caught.
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { hashRefreshToken } from '../../src/auth/tokens/token-service.js';
import { registerAndLogIn } from '../helpers/accounts.js';
import { expectError, logout, profile, refresh } from '../helpers/api-calls.js';
import { decodePayload } from '../helpers/forged-tokens.js';
import { buildTestApp } from '../helpers/test-app.js';

interface Pair {
  accessToken: string;
  refreshToken: string;
}

const pairOf = (response: { body: unknown }) => (response.body as { data: Pair }).data;

describe('refresh reuse grace (REFRESH_REUSE_GRACE_SECONDS, REFRESH_REUSE_GRACE_MAX_REPLAYS)', () => {
  it('when two tabs refresh with one token within the default grace, then both get the same refresh token, fresh access tokens, and the session lives', async () => {
    const { app, clock, logs } = buildTestApp();
    const login = await registerAndLogIn(app);

    const first = await refresh(app, login.refreshToken);
    clock.advance('9s');
    const second = await refresh(app, login.refreshToken);

    expect([first.status, second.status]).toEqual([200, 200]);
    const [one, two] = [pairOf(first), pairOf(second)];
    expect(two.refreshToken).toBe(one.refreshToken);
    expect(two.accessToken).not.toBe(one.accessToken);
    for (const pair of [one, two]) expect((await profile(app, pair.accessToken)).status).toBe(200);
    expect((await refresh(app, two.refreshToken)).status).toBe(200);
    expect(logs.events('token.refresh_in_grace')).toHaveLength(1);
    expect(logs.events('token.reuse_detected')).toHaveLength(0);
  });

  it('when fifty refreshes of one token race with the cap at fifty, then all fifty answer 200 with one identical refresh token and the store holds one successor', async () => {
    const { app, stores } = buildTestApp({ env: { REFRESH_REUSE_GRACE_MAX_REPLAYS: '50' } });
    const login = await registerAndLogIn(app);

    const answers = await Promise.all(
      Array.from({ length: 50 }, () => refresh(app, login.refreshToken)),
    );

    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
    const tokens = new Set(answers.map((answer) => pairOf(answer).refreshToken));
    expect(tokens.size).toBe(1);
    const [successor] = [...tokens];
    const parent = await stores.sessions.findRefreshToken(hashRefreshToken(login.refreshToken));
    expect(parent?.replacedById).toBe(decodePayload(successor ?? '').jti as string);
    const stored = await stores.sessions.findRefreshToken(hashRefreshToken(successor ?? ''));
    expect(stored?.usedAt).toBeNull();
    expect((await refresh(app, successor)).status).toBe(200);
  });

  it('when fifty refreshes of one token race with the default cap of five, then the first six carry the successor and the rest count as reuse, which ends the session', async () => {
    const { app, logs } = buildTestApp();
    const login = await registerAndLogIn(app);

    const answers = await Promise.all(
      Array.from({ length: 50 }, () => refresh(app, login.refreshToken)),
    );

    const ok = answers.filter((answer) => answer.status === 200);
    expect(ok).toHaveLength(6);
    expect(new Set(ok.map((answer) => pairOf(answer).refreshToken)).size).toBe(1);
    for (const refused of answers.filter((answer) => answer.status !== 200)) {
      const { error } = refused.body as { error: string };
      expect([ErrorCodes.REFRESH_TOKEN_REUSED, ErrorCodes.SESSION_REVOKED]).toContain(error);
    }
    expect(logs.events('token.reuse_detected')).toHaveLength(1);
    const [winner] = ok;
    if (!winner) throw new Error('no answer was 200');
    expectError(await profile(app, pairOf(winner).accessToken), ErrorCodes.SESSION_REVOKED);
  });

  it('when the token comes back after the grace, then it is reuse and the session ends', async () => {
    const { app, clock } = buildTestApp();
    const login = await registerAndLogIn(app);
    const rotated = pairOf(await refresh(app, login.refreshToken));
    clock.advance('11s');

    expectError(await refresh(app, login.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);
    expectError(await refresh(app, rotated.refreshToken), ErrorCodes.SESSION_REVOKED);
  });

  it('when the successor was already used, then the token is reuse even inside the window, and a grandparent always', async () => {
    const { app, clock } = buildTestApp();
    const login = await registerAndLogIn(app);
    const second = pairOf(await refresh(app, login.refreshToken));
    clock.advance('1s');
    const third = pairOf(await refresh(app, second.refreshToken));
    clock.advance('1s');

    expectError(await refresh(app, login.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);
    expectError(await refresh(app, third.refreshToken), ErrorCodes.SESSION_REVOKED);
  });

  it('when the grace is 0 (strict), then a token presented twice in the same instant ends the session', async () => {
    const { app } = buildTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '0' } });
    const login = await registerAndLogIn(app);

    const [first, second] = await Promise.all([
      refresh(app, login.refreshToken),
      refresh(app, login.refreshToken),
    ]);

    expect([first.status, second.status].sort()).toEqual([200, 401]);
    const winner = pairOf(first.status === 200 ? first : second);
    expectError(await profile(app, winner.accessToken), ErrorCodes.SESSION_REVOKED);
  });

  it('when the graced answer comes from another instance sharing the store, then it is the same token', async () => {
    const one = buildTestApp();
    const other = buildTestApp({ sharedStores: one.stores });
    const login = await registerAndLogIn(one.app);

    const first = pairOf(await refresh(one.app, login.refreshToken));
    const second = pairOf(await refresh(other.app, login.refreshToken));

    expect(second.refreshToken).toBe(first.refreshToken);
  });

  it('when the session was logged out, then a replay within the grace gets SESSION_REVOKED with reason logout', async () => {
    const { app } = buildTestApp();
    const login = await registerAndLogIn(app);
    const rotated = pairOf(await refresh(app, login.refreshToken));
    await logout(app, rotated.refreshToken).expect(200);

    const replay = await refresh(app, login.refreshToken);
    expectError(replay, ErrorCodes.SESSION_REVOKED);
    expect((replay.body as { reason?: string }).reason).toBe('logout');
  });
});
