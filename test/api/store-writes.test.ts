// The witness the API tests rely on to show "nothing changed": it must see what the app really writes, or those
// checks would pass whatever happened.
import { describe, expect, it } from 'vitest';
import { hashRefreshToken } from '../../src/auth/tokens/token-service.js';
import { newAccountInput, registerAccount, registerAndLogIn } from '../helpers/accounts.js';
import { logout, refresh } from '../helpers/api-calls.js';
import { decodePayload } from '../helpers/forged-tokens.js';
import { StoreWrites } from '../helpers/store-writes.js';
import { buildTestApp } from '../helpers/test-app.js';

describe('the store-writes witness', () => {
  it('when an account registers through the API, then its createUser is recorded with the user stored', async () => {
    const { app, writes } = buildTestApp();
    const mark = writes.mark();

    const account = await registerAccount(app);

    expect(writes.since(mark)).toEqual([
      {
        method: 'users.createUser',
        args: [
          expect.objectContaining({
            id: account.id,
            email: account.email,
            passwordHash: expect.stringMatching(/^\$2b\$04\$/) as string,
          }),
        ],
      },
      // The request for the verification mail (the outbox worker mints the link).
      expect.objectContaining({ method: 'mailOutbox.enqueueMail' }),
    ]);
  });

  it('when a refresh token rotates, then the rotation is recorded with both tokens as hashes', async () => {
    const { app, writes } = buildTestApp();
    const login = await registerAndLogIn(app);
    const mark = writes.mark();

    const rotated = await refresh(app, login.refreshToken).expect(200);

    const successor = (rotated.body as { data: { refreshToken: string } }).data.refreshToken;
    expect(writes.since(mark)).toEqual([
      {
        method: 'sessions.rotateRefreshToken',
        args: [
          hashRefreshToken(login.refreshToken),
          expect.objectContaining({ tokenHash: hashRefreshToken(successor) }),
          expect.any(Date),
          // The reuse grace the service rotates with (REFRESH_REUSE_GRACE_SECONDS, _MAX_REPLAYS defaults).
          { windowMs: 10_000, maxReplays: 5 },
        ],
      },
    ]);
  });

  it('when a session is logged out twice, then only the revocation that ended it is recorded', async () => {
    const { app, writes } = buildTestApp();
    const login = await registerAndLogIn(app);
    const mark = writes.mark();

    await logout(app, login.refreshToken).expect(200);
    const again = writes.mark();
    await logout(app, login.refreshToken).expect(200);

    expect(writes.since(mark)).toEqual([
      {
        method: 'sessions.revokeSession',
        args: [decodePayload(login.refreshToken).sid, 'logout', expect.any(Date)],
      },
    ]);
    expect(writes.since(again)).toEqual([]);
  });

  it('when it wraps stores, then every method of every port is still there, and only writes are recorded', async () => {
    const { stores, clock } = buildTestApp();
    const writes = new StoreWrites();
    const witnessed = writes.witness(stores);
    const { email, name } = newAccountInput();
    const user = { id: 'u-1', email, name, role: 'user' as const, passwordHash: 'not-a-hash' };

    await witnessed.users.createUser({ ...user, createdAt: new Date(clock.now()) });
    const found = await witnessed.users.findLiveUserByEmail(email);

    expect(Object.keys(witnessed.users).sort()).toEqual(Object.keys(stores.users).sort());
    expect(Object.keys(witnessed.sessions).sort()).toEqual(Object.keys(stores.sessions).sort());
    expect(found).toMatchObject(user);
    expect(found).toEqual(await stores.users.findLiveUserByEmail(email));
    expect(writes.since(0).map((write) => write.method)).toEqual(['users.createUser']);
  });
});
