import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { registerAndLogIn } from '../helpers/accounts.js';
import { expectError, logout, profile, refresh } from '../helpers/api-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

interface Pair {
  accessToken: string;
  refreshToken: string;
}

describe('refresh reuse grace (REFRESH_REUSE_GRACE_SECONDS)', () => {
  it('when the grace is the default 0, then a token presented twice in the same instant ends the session', async () => {
    const { app } = buildTestApp();
    const login = await registerAndLogIn(app);

    const [first, second] = await Promise.all([
      refresh(app, login.refreshToken),
      refresh(app, login.refreshToken),
    ]);

    expect([first.status, second.status].sort()).toEqual([200, 401]);
    const winner = ((first.status === 200 ? first : second).body as { data: Pair }).data;
    expectError(await profile(app, winner.accessToken), ErrorCodes.SESSION_REVOKED);
  });

  it('when two tabs refresh with one token within the grace, then both get working pairs and the session lives', async () => {
    const { app, clock, logs } = buildTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '10' } });
    const login = await registerAndLogIn(app);

    const first = await refresh(app, login.refreshToken);
    clock.advance('9s');
    const second = await refresh(app, login.refreshToken);

    expect([first.status, second.status]).toEqual([200, 200]);
    const pairs = [first, second].map((response) => (response.body as { data: Pair }).data);
    expect(pairs[0]?.refreshToken).not.toBe(pairs[1]?.refreshToken);
    for (const pair of pairs) {
      expect((await profile(app, pair.accessToken)).status).toBe(200);
      expect((await refresh(app, pair.refreshToken)).status).toBe(200);
    }
    expect(logs.events('token.refresh_in_grace')).toHaveLength(1);
    expect(logs.events('token.reuse_detected')).toHaveLength(0);
  });

  it('when the token comes back after the grace, then it is reuse and the session ends', async () => {
    const { app, clock } = buildTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '10' } });
    const login = await registerAndLogIn(app);
    const first = await refresh(app, login.refreshToken);
    clock.advance('11s');

    expectError(await refresh(app, login.refreshToken), ErrorCodes.REFRESH_TOKEN_REUSED);

    const rotated = (first.body as { data: Pair }).data;
    expectError(await refresh(app, rotated.refreshToken), ErrorCodes.SESSION_REVOKED);
  });

  it('when the session was logged out, then a replay within the grace gets nothing', async () => {
    const { app } = buildTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '10' } });
    const login = await registerAndLogIn(app);
    const rotated = ((await refresh(app, login.refreshToken)).body as { data: Pair }).data;
    await logout(app, rotated.refreshToken).expect(200);

    expectError(await refresh(app, login.refreshToken), ErrorCodes.SESSION_REVOKED);
  });
});
