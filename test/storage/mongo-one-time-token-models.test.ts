// The MongoDB schemas of one-time tokens and of an account's verified address, without a server: what validation
// accepts and refuses (naming the path), the indexes the guarantees rest on, and the collections they live in.
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import {
  createModels,
  oneTimeTokenSchema,
  oneTimeTokenSupersessionSchema,
  oneTimeTokenUseSchema,
} from '../../src/storage/mongo/mongo-models.js';

const models = createModels(mongoose.createConnection());
const T0 = new Date('2030-01-01T00:00:00.000Z');
const T1 = new Date('2030-01-01T00:30:00.000Z');
const BCRYPT_HASH = '$2b$04$' + 'abcdefghijklmnopqrstuv' + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ./012';

const build = {
  oneTimeTokens: (overrides: Record<string, unknown> = {}) => ({
    _id: randomUUID(),
    purpose: 'password_reset',
    userId: randomUUID(),
    email: 'ada@example.com',
    tokenHash: randomBytes(32).toString('base64url'),
    createdAt: T0,
    expiresAt: T1,
    sequence: 1,
    ...overrides,
  }),
  oneTimeTokenUses: (overrides: Record<string, unknown> = {}) => ({
    _id: randomUUID(),
    usedAt: T0,
    expiresAt: T1,
    ...overrides,
  }),
  oneTimeTokenSupersessions: (overrides: Record<string, unknown> = {}) => ({
    _id: randomUUID(),
    supersededAt: T0,
    expiresAt: T1,
    ...overrides,
  }),
  users: (overrides: Record<string, unknown> = {}) => ({
    _id: randomUUID(),
    email: 'ada@example.com',
    emailVerified: false,
    name: 'Ada Lovelace',
    role: 'user',
    passwordHash: BCRYPT_HASH,
    createdAt: T0,
    updatedAt: T0,
    passwordChangedAt: T0,
    ...overrides,
  }),
};
type Built = keyof typeof build;

/** The paths validation reports for the document, or [] when it is valid. */
async function invalidPaths(model: Built, document: object): Promise<string[]> {
  try {
    await new models[model](document).validate();
    return [];
  } catch (error) {
    if (error instanceof mongoose.Error.ValidationError) return Object.keys(error.errors);
    throw error;
  }
}

describe('mongo schemas of one-time tokens and verified addresses: validation', () => {
  it.each<[Built, Record<string, unknown>]>([
    ['oneTimeTokens', {}],
    ['oneTimeTokens', { purpose: 'email_verify', sequence: 42 }],
    ['oneTimeTokens', { purpose: 'email_change', email: 'new.address+x@example.org' }],
    ['oneTimeTokenUses', {}],
    ['oneTimeTokenSupersessions', {}],
    ['users', { emailVerified: true }],
  ])(
    'when a %s document is built as the adapter builds it (%j), then it validates',
    async (model, overrides) => {
      expect(await invalidPaths(model, build[model](overrides))).toEqual([]);
    },
  );

  it('when a user document is built without emailVerified, then it validates and reads unverified', async () => {
    const withoutFlag: Record<string, unknown> = build.users();
    delete withoutFlag.emailVerified;
    const document = new models.users(withoutFlag);
    expect(await invalidPaths('users', withoutFlag)).toEqual([]);
    expect(document.emailVerified).toBe(false);
  });

  it.each<[string, Built, Record<string, unknown>, string]>([
    ['an unlisted purpose', 'oneTimeTokens', { purpose: 'login' }, 'purpose'],
    ['a hex tokenHash', 'oneTimeTokens', { tokenHash: 'ab'.repeat(32) }, 'tokenHash'],
    ['a padded tokenHash', 'oneTimeTokens', { tokenHash: `${'a'.repeat(43)}=` }, 'tokenHash'],
    [
      'a base64 (not url) tokenHash',
      'oneTimeTokens',
      { tokenHash: `${'a'.repeat(42)}+` },
      'tokenHash',
    ],
    ['an upper-case email', 'oneTimeTokens', { email: 'Ada@example.com' }, 'email'],
    ['a non-UUID userId', 'oneTimeTokens', { userId: 'user-1' }, 'userId'],
    ['sequence 0', 'oneTimeTokens', { sequence: 0 }, 'sequence'],
    ['a fractional sequence', 'oneTimeTokens', { sequence: 1.5 }, 'sequence'],
    ['no sequence', 'oneTimeTokens', { sequence: undefined }, 'sequence'],
    ['a use without its time', 'oneTimeTokenUses', { usedAt: undefined }, 'usedAt'],
    ['a use without its expiry', 'oneTimeTokenUses', { expiresAt: undefined }, 'expiresAt'],
    ['a non-UUID use _id', 'oneTimeTokenUses', { _id: 'token-1' }, '_id'],
    [
      'a supersession without its time',
      'oneTimeTokenSupersessions',
      { supersededAt: undefined },
      'supersededAt',
    ],
  ])(
    'when a document has %s, then validation fails on exactly that path',
    async (_, model, overrides, path) => {
      expect(await invalidPaths(model, build[model](overrides))).toEqual([path]);
    },
  );

  it('when a token document carries usedAt, then the constructor throws (a use is a record of its own)', () => {
    expect(() => new models.oneTimeTokens(build.oneTimeTokens({ usedAt: T1 }))).toThrow(
      mongoose.Error.StrictModeError,
    );
  });
});

describe('mongo schemas of one-time tokens: indexes and collections', () => {
  it("when the token indexes are read, then the hash is unique and so is the place among a user's tokens of a purpose", () => {
    expect(oneTimeTokenSchema.indexes()).toEqual([
      [{ tokenHash: 1 }, { unique: true, name: 'one_time_tokens_hash' }],
      [
        { userId: 1, purpose: 1, sequence: 1 },
        { unique: true, name: 'one_time_tokens_sequence' },
      ],
    ]);
  });

  it('when the use and supersession indexes are read, then each has its expiry indexed (for the sweep) and no TTL', () => {
    expect(oneTimeTokenUseSchema.indexes()).toEqual([
      [{ expiresAt: 1 }, { name: 'one_time_token_uses_expires' }],
    ]);
    expect(oneTimeTokenSupersessionSchema.indexes()).toEqual([
      [{ expiresAt: 1 }, { name: 'one_time_token_supersessions_expires' }],
    ]);
  });

  it.each([
    ['oneTimeTokens', 'OneTimeToken', 'one_time_tokens'],
    ['oneTimeTokenUses', 'OneTimeTokenUse', 'one_time_token_uses'],
    ['oneTimeTokenSupersessions', 'OneTimeTokenSupersession', 'one_time_token_supersessions'],
  ] as const)(
    'when the %s model is created, then it is named %s, stored in %s, and refuses unknown fields',
    (model, name, collection) => {
      expect(models[model].modelName).toBe(name);
      expect(models[model].collection.collectionName).toBe(collection);
      expect(models[model].schema.get('strict')).toBe('throw');
      expect(models[model].schema.get('strictQuery')).toBe('throw');
      expect(models[model].schema.get('autoIndex')).toBe(false);
    },
  );
});
