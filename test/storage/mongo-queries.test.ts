// The filters and updates the MongoDB adapter sends, checked without a server: their exact shape, that only our own
// operators are trusted, that non-string values are refused, and that Mongoose's casting on the adapter's
// connection matches an operator object from outside literally instead of running it.
import mongoose from 'mongoose';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createModels } from '../../src/storage/mongo/mongo-models.js';
import * as query from '../../src/storage/mongo/mongo-queries.js';
import type { OneTimeTokenPurpose } from '../../src/storage/ports/one-time-token-store.js';
import { createMongoStores } from '../../src/storage/mongo/mongo-stores.js';

const NOW = new Date('2030-01-01T00:00:00.000Z');
const ID = '0b6f3c1e-2a4d-4e8f-9b1c-3d5e7f9a1b2c';
const OTHER_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const EMAIL = 'ada@example.com';
const HASH = 'ab'.repeat(32);
// toEqual compares enumerable symbol keys too, so an expected operator must carry the trusted mark to match.
const { trusted } = mongoose;

function isTrusted(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.getOwnPropertySymbols(value).some(
    (symbol) =>
      symbol.description === 'mongoose#trustedSymbol' &&
      (value as Record<symbol, unknown>)[symbol] === true,
  );
}

/** Each filter builder called once, the exact filter expected, and the fields whose value is our own operator. */
const FILTERS = [
  {
    name: 'byId',
    build: () => query.byId(ID),
    expected: { _id: ID },
    operators: [],
  },
  {
    name: 'ownedBy',
    build: () => query.ownedBy(EMAIL, ID),
    expected: { _id: EMAIL, userId: ID },
    operators: [],
  },
  {
    name: 'unexpiredSession',
    build: () => query.unexpiredSession(ID, NOW),
    expected: { _id: ID, expiresAt: trusted({ $gt: NOW }) },
    operators: ['expiresAt'],
  },
  {
    name: 'refreshTokenByHash',
    build: () => query.refreshTokenByHash(HASH),
    expected: { tokenHash: HASH },
    operators: [],
  },
  {
    name: 'unusedRefreshToken',
    build: () => query.unusedRefreshToken(ID),
    expected: { _id: ID, usedAt: null },
    operators: [],
  },
  {
    name: 'expiredBefore',
    build: () => query.expiredBefore(NOW),
    expected: { expiresAt: trusted({ $lt: NOW }) },
    operators: ['expiresAt'],
  },
  {
    name: 'idIn',
    build: () => query.idIn([ID, OTHER_ID]),
    expected: { _id: trusted({ $in: [ID, OTHER_ID] }) },
    operators: ['_id'],
  },
  {
    name: 'sessionIdIn',
    build: () => query.sessionIdIn([ID, OTHER_ID]),
    expected: { sessionId: trusted({ $in: [ID, OTHER_ID] }) },
    operators: ['sessionId'],
  },
  {
    name: 'unexpiredSessionsOfUser',
    build: () => query.unexpiredSessionsOfUser(ID, NOW),
    expected: { userId: ID, expiresAt: trusted({ $gt: NOW }) },
    operators: ['expiresAt'],
  },
  {
    name: 'sessionsOfUser',
    build: () => query.sessionsOfUser(ID),
    expected: { userId: ID },
    operators: [],
  },
  {
    name: 'withEmail',
    build: () => query.withEmail(ID, EMAIL),
    expected: { _id: ID, email: EMAIL },
    operators: [],
  },
  {
    name: 'oneTimeTokenByHash',
    build: () => query.oneTimeTokenByHash(HASH),
    expected: { tokenHash: HASH },
    operators: [],
  },
  {
    name: 'oneTimeTokensOf',
    build: () => query.oneTimeTokensOf(ID, 'email_verify'),
    expected: { userId: ID, purpose: 'email_verify' },
    operators: [],
  },
  {
    name: 'earlierOneTimeTokens',
    build: () => query.earlierOneTimeTokens(ID, 'password_reset', 3),
    expected: { userId: ID, purpose: 'password_reset', sequence: trusted({ $lt: 3 }) },
    operators: ['sequence'],
  },
  {
    name: 'laterOneTimeTokens',
    build: () => query.laterOneTimeTokens(ID, 'email_change', 3),
    expected: { userId: ID, purpose: 'email_change', sequence: trusted({ $gt: 3 }) },
    operators: ['sequence'],
  },
  {
    name: 'dueMailEntries',
    build: () => query.dueMailEntries(NOW),
    expected: { state: 'pending', nextAttemptAt: trusted({ $lte: NOW }) },
    operators: ['nextAttemptAt'],
  },
  {
    name: 'pendingMailEntries',
    build: () => query.pendingMailEntries(),
    expected: { state: 'pending' },
    operators: [],
  },
  {
    name: 'finishedMailEntriesBefore',
    build: () => query.finishedMailEntriesBefore(NOW),
    expected: { state: trusted({ $in: ['sent', 'dead'] }), createdAt: trusted({ $lt: NOW }) },
    operators: ['state', 'createdAt'],
  },
  {
    name: 'mailIdIn',
    build: () => query.mailIdIn([ID, OTHER_ID]),
    expected: { mailId: trusted({ $in: [ID, OTHER_ID] }) },
    operators: ['mailId'],
  },
];

const UPDATES = [
  {
    name: 'markRefreshTokenUsed',
    build: () => query.markRefreshTokenUsed(NOW, OTHER_ID),
    expected: { $set: { usedAt: NOW, replacedById: OTHER_ID } },
  },
  {
    name: 'touchSession',
    build: () => query.touchSession(NOW),
    expected: { $set: { lastUsedAt: NOW } },
  },
  {
    name: 'setPasswordHash',
    build: () => query.setPasswordHash(HASH, NOW),
    expected: { $set: { passwordHash: HASH, passwordChangedAt: NOW, updatedAt: NOW } },
  },
  {
    name: 'setEmail',
    build: () => query.setEmail(EMAIL, NOW),
    expected: { $set: { email: EMAIL, emailVerified: true, updatedAt: NOW } },
  },
  {
    name: 'setEmailVerified',
    build: () => query.setEmailVerified(NOW),
    expected: { $set: { emailVerified: true, updatedAt: NOW } },
  },
];

/** Every builder that takes an id, email or hash, fed an attacker's value in its place. */
const STRING_TAKERS: Array<[string, (value: string) => unknown]> = [
  ['byId', (value) => query.byId(value)],
  ['ownedBy (id)', (value) => query.ownedBy(value, ID)],
  ['ownedBy (user)', (value) => query.ownedBy(EMAIL, value)],
  ['unexpiredSession', (value) => query.unexpiredSession(value, NOW)],
  ['refreshTokenByHash', (value) => query.refreshTokenByHash(value)],
  ['unusedRefreshToken', (value) => query.unusedRefreshToken(value)],
  ['markRefreshTokenUsed', (value) => query.markRefreshTokenUsed(NOW, value)],
  ['idIn', (value) => query.idIn([ID, value])],
  ['sessionIdIn', (value) => query.sessionIdIn([value])],
  ['unexpiredSessionsOfUser', (value) => query.unexpiredSessionsOfUser(value, NOW)],
  ['sessionsOfUser', (value) => query.sessionsOfUser(value)],
  ['withEmail (id)', (value) => query.withEmail(value, EMAIL)],
  ['withEmail (email)', (value) => query.withEmail(ID, value)],
  ['setEmail', (value) => query.setEmail(value, NOW)],
  ['oneTimeTokenByHash', (value) => query.oneTimeTokenByHash(value)],
  ['oneTimeTokensOf (user)', (value) => query.oneTimeTokensOf(value, 'password_reset')],
  ['oneTimeTokensOf (purpose)', (value) => query.oneTimeTokensOf(ID, value as OneTimeTokenPurpose)],
  ['laterOneTimeTokens (user)', (value) => query.laterOneTimeTokens(value, 'email_verify', 1)],
  ['earlierOneTimeTokens (user)', (value) => query.earlierOneTimeTokens(value, 'email_verify', 1)],
  ['mailIdIn', (value) => query.mailIdIn([ID, value])],
  ['setPasswordHash', (value) => query.setPasswordHash(value, NOW)],
];
const NOT_STRINGS: unknown[] = [{ $ne: null }, { $gt: '' }, [ID], 42, null, undefined];

describe('mongo queries: the exact filters and updates', () => {
  it.each(FILTERS)('when $name is built, then it is exactly the expected filter', (filter) => {
    expect(filter.build()).toEqual(filter.expected);
  });

  it.each(UPDATES)('when $name is built, then it is exactly the expected update', (update) => {
    expect(update.build()).toEqual(update.expected);
  });

  it.each(FILTERS)(
    'when $name writes an operator, then that operator and only it is trusted',
    (filter) => {
      const built = filter.build() as Record<string, unknown>;
      const trusted = Object.keys(built).filter((field) => isTrusted(built[field]));
      expect(trusted).toEqual(filter.operators);
      expect(isTrusted(built)).toBe(false);
    },
  );

  it.each(FILTERS)('when $name is sanitized, then it comes back unchanged', (filter) => {
    expect(mongoose.sanitizeFilter(filter.build())).toEqual(filter.expected);
  });

  it('when an untrusted operator is sanitized, then it becomes a literal $eq match (the check above can fail)', () => {
    expect(mongoose.sanitizeFilter({ email: { $ne: null } })).toEqual({
      email: { $eq: { $ne: null } },
    });
  });
});

describe('mongo queries: values must be strings at run time', () => {
  const cases = STRING_TAKERS.flatMap(([name, build]) =>
    NOT_STRINGS.map((value) => [name, value, build] as const),
  );

  it.each(cases)('when %s is given %j, then it throws a TypeError', (_, value, build) => {
    expect(() => build(value as string)).toThrow(TypeError);
  });

  it.each(STRING_TAKERS)('when %s is given a string, then it does not throw', (_, build) => {
    expect(() => build(ID)).not.toThrow();
  });
});

describe('mongo queries: a token sequence must be an integer at run time', () => {
  it.each<[string, unknown]>([
    ['a string', '3'],
    ['an operator object', { $gt: 0 }],
    ['NaN', Number.NaN],
    ['a fraction', 1.5],
    ['null', null],
  ])('when a sequence is %s, then both sequence filters throw a TypeError', (_, value) => {
    expect(() => query.laterOneTimeTokens(ID, 'password_reset', value as number)).toThrow(
      TypeError,
    );
    expect(() => query.earlierOneTimeTokens(ID, 'password_reset', value as number)).toThrow(
      TypeError,
    );
  });
});

describe('mongo queries: casting on the adapter connection', () => {
  /** An unconnected connection prepared by the adapter, with a spy on what reaches the users collection. */
  function adapterConnection() {
    const connection = mongoose.createConnection();
    onTestFinished(() => connection.close());
    createMongoStores(connection);
    const { User, EmailClaim, RefreshToken } = connection.models;
    if (!User || !EmailClaim || !RefreshToken) {
      throw new Error('arrange: createMongoStores registered no models');
    }
    return {
      User,
      EmailClaim,
      RefreshToken,
      usersFindOne: vi.spyOn(User.collection, 'findOne'),
      claimsFindOne: vi.spyOn(EmailClaim.collection, 'findOne'),
      tokensFindOne: vi.spyOn(RefreshToken.collection, 'findOne'),
    };
  }

  it('when an email filter carries {$ne: null}, then casting rejects it as a literal value and nothing is sent', async () => {
    const { User, usersFindOne } = adapterConnection();
    const error: unknown = await User.findOne({ email: { $ne: null } })
      .exec()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(mongoose.Error.CastError);
    expect(error).toMatchObject({ path: 'email', value: { $ne: null } });
    expect(usersFindOne).not.toHaveBeenCalled();
  });

  it('when an email claim filter carries {$ne: null}, then casting rejects it and nothing is sent', async () => {
    const { EmailClaim, claimsFindOne } = adapterConnection();
    const error: unknown = await EmailClaim.findOne({ _id: { $ne: null } })
      .exec()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(mongoose.Error.CastError);
    expect(claimsFindOne).not.toHaveBeenCalled();
  });

  it('when the email claim filter comes from byId, then it passes casting and fails only for lack of a connection', async () => {
    const { EmailClaim, claimsFindOne } = adapterConnection();
    const error: unknown = await EmailClaim.findOne(query.byId('a@example.com'))
      .exec()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(mongoose.Error);
    expect(error).not.toBeInstanceOf(mongoose.Error.CastError);
    expect(claimsFindOne).toHaveBeenCalledOnce();
    expect(claimsFindOne.mock.calls[0]?.[0]).toEqual({ _id: 'a@example.com' });
  });

  it('when a tokenHash filter carries {$gt: ""}, then casting rejects it and nothing is sent', async () => {
    const { RefreshToken, tokensFindOne } = adapterConnection();
    const error: unknown = await RefreshToken.findOne({ tokenHash: { $gt: '' } })
      .exec()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(mongoose.Error.CastError);
    expect(error).toMatchObject({ path: 'tokenHash', value: { $gt: '' } });
    expect(tokensFindOne).not.toHaveBeenCalled();
  });

  it('when the tokenHash filter comes from refreshTokenByHash, then it passes casting', async () => {
    const { RefreshToken, tokensFindOne } = adapterConnection();
    const error: unknown = await RefreshToken.findOne(query.refreshTokenByHash(HASH))
      .exec()
      .catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(mongoose.Error.CastError);
    expect(tokensFindOne.mock.calls[0]?.[0]).toEqual({ tokenHash: HASH });
  });

  it('when a filter has $where at top level, then sanitizeFilter refuses it with a MongooseError and nothing is sent', async () => {
    const { User, usersFindOne } = adapterConnection();
    const error: unknown = await User.findOne({ $where: '1' })
      .exec()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(mongoose.Error);
    expect((error as Error).constructor).toBe(mongoose.Error);
    expect(() => mongoose.sanitizeFilter({ $where: '1' })).toThrow(mongoose.Error);
    expect(usersFindOne).not.toHaveBeenCalled();
  });

  it('when the models are used without the adapter, then {$ne: null} is run as an operator (the adapter is what protects)', async () => {
    const connection = mongoose.createConnection();
    onTestFinished(() => connection.close());
    const { users } = createModels(connection);
    const usersFindOne = vi.spyOn(users.collection, 'findOne');
    await users
      .findOne({ email: { $ne: null } })
      .exec()
      .catch(() => undefined);
    expect(usersFindOne.mock.calls[0]?.[0]).toEqual({ email: { $ne: null } });
  });
});
