// How the MongoDB adapter reads driver errors (by class, code and label), how its stores fail on a connection that
// is not up, and how the unavailable guard turns outage errors into StoreUnavailableError and lets the rest through.
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { isDuplicateEmail, isMongoUnavailable } from '../../src/storage/mongo/mongo-errors.js';
import { createMongoStores } from '../../src/storage/mongo/mongo-stores.js';
import type { MailOutbox } from '../../src/storage/ports/mail-outbox.js';
import type { MfaStore } from '../../src/storage/ports/mfa-store.js';
import type { OneTimeTokenStore } from '../../src/storage/ports/one-time-token-store.js';
import type {
  NewRefreshToken,
  NewSession,
  SessionStore,
} from '../../src/storage/ports/session-store.js';
import { StoreUnavailableError, type Stores } from '../../src/storage/ports/stores.js';
import type { UserStore } from '../../src/storage/ports/user-store.js';
import { guardUnavailable } from '../../src/storage/unavailable-guard.js';

const { mongo } = mongoose;
const NOW = new Date('2030-01-01T00:00:00.000Z');

/** The driver needs a topology description as the reason; TopologyDescription is not exported at run time. */
type SelectionReason = ConstructorParameters<typeof mongo.MongoServerSelectionError>[1];
const noServers = {
  type: 'Unknown',
  servers: new Map(),
  error: null,
} as unknown as SelectionReason;

function serverError(fields: Record<string, unknown>) {
  return new mongo.MongoServerError({ message: 'server error', ...fields });
}

function labelled(label: string) {
  const error = serverError({ code: 10107, codeName: 'NotWritablePrimary' });
  error.addErrorLabel(label);
  return error;
}

/** An error as Node's net module raises it: a plain Error with a system error code. */
function socketError(code: string): Error {
  return Object.assign(new Error('This socket has been ended by the other party'), { code });
}

describe('isMongoUnavailable', () => {
  it.each<[string, unknown]>([
    ['MongoNetworkError', new mongo.MongoNetworkError('connection reset')],
    ['MongoNetworkTimeoutError', new mongo.MongoNetworkTimeoutError('socket timed out')],
    ['MongoServerSelectionError', new mongo.MongoServerSelectionError('no primary', noServers)],
    ['MongoNotConnectedError', new mongo.MongoNotConnectedError('not connected')],
    ['MongoTopologyClosedError', new mongo.MongoTopologyClosedError()],
    ['MongooseServerSelectionError', new mongoose.Error.MongooseServerSelectionError('no server')],
    ['a MongoServerError labelled RetryableWriteError', labelled('RetryableWriteError')],
    [
      'a MongoServerError labelled TransientTransactionError',
      labelled('TransientTransactionError'),
    ],
    ['a MongoServerError labelled ResetPool', labelled('ResetPool')],
    // The driver lets a socket's own error through when it writes to a connection the server has just closed.
    ['a socket error EPIPE from the driver', socketError('EPIPE')],
    ['a socket error ECONNRESET from the driver', socketError('ECONNRESET')],
    ['a socket error ECONNREFUSED from the driver', socketError('ECONNREFUSED')],
  ])('when the error is %s, then the store counts as unavailable', (_, error) => {
    expect(isMongoUnavailable(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a plain Error', new Error('boom')],
    ['an Error with an unrelated code', socketError('ERR_INVALID_ARG_TYPE')],
    ['a duplicate key MongoServerError', serverError({ code: 11000, keyPattern: { email: 1 } })],
    [
      'a MongoServerError labelled otherwise',
      (() => {
        const error = serverError({ code: 2 });
        error.addErrorLabel('NoWritesPerformed');
        return error;
      })(),
    ],
    ['a CastError', new mongoose.Error.CastError('string', { $ne: null }, 'email')],
    ['a ValidationError', new mongoose.Error.ValidationError()],
    ['a string', 'MongoNetworkError'],
    ['undefined', undefined],
  ])('when the error is %s, then the store does not count as unavailable', (_, error) => {
    expect(isMongoUnavailable(error)).toBe(false);
  });
});

describe('isDuplicateEmail', () => {
  it.each<[string, unknown]>([
    [
      "a duplicate key on a claim's _id (MongoDB names it)",
      serverError({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 'a@b.c' } }),
    ],
    // FerretDB 1.24 sends the code and the collection only; inserting a claim, that is its _id (the email).
    ['a duplicate key without keyPattern (FerretDB)', serverError({ code: 11000 })],
    ['a duplicate key with a null keyPattern', serverError({ code: 11000, keyPattern: null })],
  ])('when the error is %s, then it is a duplicate email', (_, error) => {
    expect(isDuplicateEmail(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a duplicate key on tokenHash', serverError({ code: 11000, keyPattern: { tokenHash: 1 } })],
    ['another code on _id', serverError({ code: 11001, keyPattern: { _id: 1 } })],
    ['a plain Error with code 11000', Object.assign(new Error('E11000'), { code: 11000 })],
    ['a plain Error', new Error('E11000 duplicate key error collection: email_claims index: _id')],
  ])('when the error is %s, then it is not a duplicate email', (_, error) => {
    expect(isDuplicateEmail(error)).toBe(false);
  });
});

describe('mongo store on a connection that is not up', () => {
  const session: NewSession = {
    id: randomUUID(),
    userId: randomUUID(),
    createdAt: NOW,
    expiresAt: NOW,
    userAgent: null,
    ip: null,
    amr: ['pwd'],
  };
  const token: NewRefreshToken = {
    id: randomUUID(),
    sessionId: session.id,
    userId: session.userId,
    tokenHash: 'ab'.repeat(32),
    createdAt: NOW,
    expiresAt: NOW,
  };
  // Typed over every method of each port, so a method added to a port must be added here.
  const userCalls: { [Method in keyof UserStore]: (users: UserStore) => Promise<unknown> } = {
    createUser: (users) =>
      users.createUser({
        id: randomUUID(),
        email: 'ada@example.com',
        name: 'Ada',
        role: 'user',
        passwordHash: `$2b$04$${'a'.repeat(53)}`,
        createdAt: NOW,
      }),
    findLiveUserByEmail: (users) => users.findLiveUserByEmail('ada@example.com'),
    findLiveUserById: (users) => users.findLiveUserById(session.userId),
    softDeleteUser: (users) => users.softDeleteUser(session.userId, NOW),
    updatePasswordHash: (users) =>
      users.updatePasswordHash(session.userId, `$2b$04$${'a'.repeat(53)}`, NOW),
    rehashPassword: (users) =>
      users.rehashPassword(
        session.userId,
        `$2b$04$${'a'.repeat(53)}`,
        `$2b$10$${'b'.repeat(53)}`,
        NOW,
      ),
    markEmailVerified: (users) => users.markEmailVerified(session.userId, NOW),
    changeEmail: (users) => users.changeEmail(session.userId, 'new@example.com', NOW),
  };
  const sessionCalls: {
    [Method in keyof SessionStore]: (sessions: SessionStore) => Promise<unknown>;
  } = {
    openSession: (sessions) => sessions.openSession(session, token),
    findLiveSession: (sessions) => sessions.findLiveSession(session.id, NOW),
    findRefreshToken: (sessions) => sessions.findRefreshToken(token.tokenHash),
    rotateRefreshToken: (sessions) => sessions.rotateRefreshToken(token.tokenHash, token, NOW),
    revokeSession: (sessions) => sessions.revokeSession(session.id, 'logout', NOW),
    findSession: (sessions) => sessions.findSession(session.id),
    revokeUserSessions: (sessions) =>
      sessions.revokeUserSessions(session.userId, 'logout_all', NOW),
    listLiveSessions: (sessions) => sessions.listLiveSessions(session.userId, NOW),
    listRevokedSessions: (sessions) => sessions.listRevokedSessions(session.userId, NOW),
    sweepExpired: (sessions) => sessions.sweepExpired(NOW, 100),
  };
  const mailId = randomUUID();
  const mailCalls: {
    [Method in keyof MailOutbox]: (outbox: MailOutbox) => Promise<unknown>;
  } = {
    enqueueMail: (outbox) =>
      outbox.enqueueMail({
        id: mailId,
        kind: 'password_reset',
        sealed: 'sealed',
        createdAt: NOW,
        notAfter: NOW,
      }),
    leaseDueMails: (outbox) => outbox.leaseDueMails(NOW, 60_000, 10),
    markMailSent: (outbox) => outbox.markMailSent(mailId, `${mailId}:0:0`, NOW),
    markMailFailed: (outbox) =>
      outbox.markMailFailed(mailId, `${mailId}:0:0`, { error: 'refused', retryAt: null }, NOW),
    findMail: (outbox) => outbox.findMail(mailId),
    pendingMails: (outbox) => outbox.pendingMails(),
    sweepFinishedMails: (outbox) => outbox.sweepFinishedMails(NOW, 100),
  };
  const oneTimeToken = {
    id: randomUUID(),
    purpose: 'password_reset',
    userId: session.userId,
    email: 'ada@example.com',
    tokenHash: 'a'.repeat(43),
    createdAt: NOW,
    expiresAt: NOW,
  } as const;
  const oneTimeTokenCalls: {
    [Method in keyof OneTimeTokenStore]: (tokens: OneTimeTokenStore) => Promise<unknown>;
  } = {
    issueOneTimeToken: (tokens) => tokens.issueOneTimeToken(oneTimeToken, NOW),
    consumeOneTimeToken: (tokens) =>
      tokens.consumeOneTimeToken(oneTimeToken.tokenHash, 'password_reset', NOW),
    findConsumableOneTimeToken: (tokens) =>
      tokens.findConsumableOneTimeToken(oneTimeToken.tokenHash, 'password_reset', NOW),
    sweepExpiredOneTimeTokens: (tokens) => tokens.sweepExpiredOneTimeTokens(NOW, 100),
  };
  const factorId = randomUUID();
  const challengeHash = 'c'.repeat(43);
  const mfaCalls: { [Method in keyof MfaStore]: (mfa: MfaStore) => Promise<unknown> } = {
    savePendingFactor: (mfa) =>
      mfa.savePendingFactor({
        id: factorId,
        userId: session.userId,
        sealedSecret: 'v1.key.sealed',
        createdAt: NOW,
        pendingUntil: NOW,
      }),
    findFactor: (mfa) => mfa.findFactor(session.userId),
    activateFactor: (mfa) => mfa.activateFactor(session.userId, factorId, 1, [], NOW),
    advanceTotpStep: (mfa) => mfa.advanceTotpStep(session.userId, factorId, 2),
    resealSecret: (mfa) => mfa.resealSecret(session.userId, factorId, 'v1.key.sealed', 'v1.new.x'),
    deleteFactor: (mfa) => mfa.deleteFactor(session.userId),
    findRecoveryCode: (mfa) => mfa.findRecoveryCode(session.userId, 'abcd'),
    useRecoveryCode: (mfa) => mfa.useRecoveryCode(session.userId, 'abcd', NOW),
    replaceRecoveryCodes: (mfa) => mfa.replaceRecoveryCodes(session.userId, [], NOW),
    countUnusedRecoveryCodes: (mfa) => mfa.countUnusedRecoveryCodes(session.userId),
    createChallenge: (mfa) =>
      mfa.createChallenge({
        id: randomUUID(),
        userId: session.userId,
        tokenHash: challengeHash,
        createdAt: NOW,
        expiresAt: NOW,
        deviceId: null,
      }),
    findLiveChallenge: (mfa) => mfa.findLiveChallenge(challengeHash, NOW, 5),
    recordChallengeFailure: (mfa) => mfa.recordChallengeFailure(challengeHash, NOW, 5),
    consumeChallenge: (mfa) => mfa.consumeChallenge(challengeHash, NOW, 5),
    sweepExpiredMfa: (mfa) => mfa.sweepExpiredMfa(NOW, 100),
  };
  const calls: Array<[string, (stores: Stores) => Promise<unknown>]> = [
    ...Object.entries(userCalls).map(
      ([name, call]): [string, (stores: Stores) => Promise<unknown>] => [
        `users.${name}`,
        (stores) => call(stores.users),
      ],
    ),
    ...Object.entries(sessionCalls).map(
      ([name, call]): [string, (stores: Stores) => Promise<unknown>] => [
        `sessions.${name}`,
        (stores) => call(stores.sessions),
      ],
    ),
    ...Object.entries(mailCalls).map(
      ([name, call]): [string, (stores: Stores) => Promise<unknown>] => [
        `mailOutbox.${name}`,
        (stores) => call(stores.mailOutbox),
      ],
    ),
    ...Object.entries(oneTimeTokenCalls).map(
      ([name, call]): [string, (stores: Stores) => Promise<unknown>] => [
        `oneTimeTokens.${name}`,
        (stores) => call(stores.oneTimeTokens),
      ],
    ),
    ...Object.entries(mfaCalls).map(
      ([name, call]): [string, (stores: Stores) => Promise<unknown>] => [
        `mfa.${name}`,
        (stores) => call(stores.mfa),
      ],
    ),
    ['ping', (stores) => stores.ping()],
  ];

  it.each(calls)(
    'when %s is called, then it rejects with StoreUnavailableError',
    async (_, call) => {
      const connection = mongoose.createConnection();
      onTestFinished(() => connection.close());
      await expect(call(createMongoStores(connection))).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    },
  );

  it('when close is called, then it resolves and the connection is closed', async () => {
    const connection = mongoose.createConnection();
    await expect(createMongoStores(connection).close()).resolves.toBeUndefined();
    expect(connection.readyState).toBe(mongoose.ConnectionStates.disconnected);
  });
});

describe('guardUnavailable', () => {
  class Outage extends Error {}
  const UNREADY = {
    isUnavailable: (error: unknown) => error instanceof Outage,
    isReady: () => false,
  };
  const READY = { ...UNREADY, isReady: () => true };

  type Port = UserStore & SessionStore;

  /** A port made of spies (kept apart from the port, so tests read them as plain functions). */
  function fakeStore() {
    const spies = {
      createUser: vi.fn<Port['createUser']>(),
      findLiveUserByEmail: vi.fn<Port['findLiveUserByEmail']>(),
      openSession: vi.fn<Port['openSession']>(),
      findLiveSession: vi.fn<Port['findLiveSession']>(),
      findRefreshToken: vi.fn<Port['findRefreshToken']>(),
      rotateRefreshToken: vi.fn<Port['rotateRefreshToken']>(),
      revokeSession: vi.fn<Port['revokeSession']>(),
      findLiveUserById: vi.fn<Port['findLiveUserById']>(),
      softDeleteUser: vi.fn<Port['softDeleteUser']>(),
      updatePasswordHash: vi.fn<Port['updatePasswordHash']>(),
      rehashPassword: vi.fn<Port['rehashPassword']>(),
      markEmailVerified: vi.fn<Port['markEmailVerified']>(),
      changeEmail: vi.fn<Port['changeEmail']>(),
      findSession: vi.fn<Port['findSession']>(),
      listRevokedSessions: vi.fn<Port['listRevokedSessions']>(),
      revokeUserSessions: vi.fn<Port['revokeUserSessions']>(),
      listLiveSessions: vi.fn<Port['listLiveSessions']>(),
      sweepExpired: vi.fn<Port['sweepExpired']>(),
    };
    const store: Port = spies;
    return { store, spies };
  }

  it('when the method fails with an error the guard calls unavailable, then StoreUnavailableError carries it as cause', async () => {
    const { store, spies } = fakeStore();
    const outage = new Outage('primary stepped down');
    spies.findRefreshToken.mockRejectedValue(outage);
    const error: unknown = await guardUnavailable(store, READY)
      .findRefreshToken('hash')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toHaveProperty('cause', outage);
  });

  it('when the method fails with any other error, then that same error passes through', async () => {
    const { store, spies } = fakeStore();
    const bug = new TypeError('bug in the adapter');
    spies.revokeSession.mockRejectedValue(bug);
    const guarded = guardUnavailable(store, { isUnavailable: UNREADY.isUnavailable });
    await expect(guarded.revokeSession('s', 'logout', NOW)).rejects.toBe(bug);
  });

  it('when the method succeeds, then its result and arguments pass through unchanged', async () => {
    const { store, spies } = fakeStore();
    const result = { outcome: 'rotated' } as const;
    spies.rotateRefreshToken.mockResolvedValue(result);
    const successor = { id: 'successor' } as NewRefreshToken;
    const guarded = guardUnavailable(store, READY);
    await expect(guarded.rotateRefreshToken('hash', successor, NOW)).resolves.toBe(result);
    expect(spies.rotateRefreshToken).toHaveBeenCalledWith('hash', successor, NOW);
  });

  it('when isReady says false, then the call rejects with StoreUnavailableError without calling the method', async () => {
    const { store, spies } = fakeStore();
    const guarded = guardUnavailable(store, UNREADY);
    await expect(guarded.findLiveUserByEmail('a@b.c')).rejects.toThrow(StoreUnavailableError);
    expect(spies.findLiveUserByEmail).not.toHaveBeenCalled();
  });
});
