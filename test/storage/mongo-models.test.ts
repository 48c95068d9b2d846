// The MongoDB schemas without a server: what validation accepts and refuses (naming the path), the indexes they
// declare, and the options that make unknown fields and disconnected writes fail instead of passing silently.
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import type {
  RefreshTokenDocument,
  SessionDocument,
  UserDocument,
} from '../../src/storage/mongo/mongo-documents.js';
import {
  createModels,
  refreshTokenSchema,
  sessionSchema,
  userSchema,
} from '../../src/storage/mongo/mongo-models.js';

const models = createModels(mongoose.createConnection());
const T0 = new Date('2030-01-01T00:00:00.000Z');
const T1 = new Date('2030-01-31T00:00:00.000Z');
/** A real bcrypt hash's shape: `$2b$`, a two-digit cost, `$`, then 22 salt and 31 hash characters. */
const BCRYPT_HASH = '$2b$04$' + 'abcdefghijklmnopqrstuv' + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ./012';

/** A user document as the adapter's createUser builds it. */
function userDocument(overrides: Record<string, unknown> = {}): UserDocument {
  return {
    _id: randomUUID(),
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    role: 'user',
    passwordHash: BCRYPT_HASH,
    createdAt: T0,
    updatedAt: T0,
    passwordChangedAt: T0,
    deletedAt: null,
    ...overrides,
  };
}

/** A session document as the adapter's openSession builds it. */
function sessionDocument(overrides: Record<string, unknown> = {}): SessionDocument {
  return {
    _id: randomUUID(),
    userId: randomUUID(),
    createdAt: T0,
    lastUsedAt: T0,
    expiresAt: T1,
    revokedAt: null,
    revokedReason: null,
    userAgent: 'vitest/mongo-models',
    ip: '203.0.113.7',
    ...overrides,
  };
}

/** A refresh token document as the adapter builds it for a new token. */
function tokenDocument(overrides: Record<string, unknown> = {}): RefreshTokenDocument {
  return {
    _id: randomUUID(),
    sessionId: randomUUID(),
    userId: randomUUID(),
    tokenHash: randomBytes(32).toString('hex'),
    createdAt: T0,
    expiresAt: T1,
    usedAt: null,
    replacedById: null,
    ...overrides,
  };
}

const build = { users: userDocument, sessions: sessionDocument, refreshTokens: tokenDocument };

// validate(), not validateSync(): Mongoose 9 deprecates validateSync and warns on every call.
/** The paths validation reports for the document, or [] when it is valid. */
async function invalidPaths(model: keyof typeof models, document: object): Promise<string[]> {
  try {
    await new models[model](document).validate();
    return [];
  } catch (error) {
    if (error instanceof mongoose.Error.ValidationError) return Object.keys(error.errors);
    throw error;
  }
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

describe('mongo schemas: validation', () => {
  it.each([
    ['users', userDocument()],
    ['users', userDocument({ role: 'admin', deletedAt: T1, email: 'a.b+c@sub.example.org' })],
    ['sessions', sessionDocument()],
    ['sessions', sessionDocument({ userAgent: null, ip: null })],
    ['sessions', sessionDocument({ revokedAt: T1, revokedReason: 'refresh_token_reused' })],
    ['sessions', sessionDocument({ userAgent: 'u'.repeat(512), ip: 'i'.repeat(64) })],
    ['refreshTokens', tokenDocument()],
    ['refreshTokens', tokenDocument({ usedAt: T1, replacedById: randomUUID() })],
  ] as const)(
    'when a %s document is built as the adapter builds it, then it validates',
    async (model, doc) => {
      expect(await invalidPaths(model, doc)).toEqual([]);
    },
  );

  it.each([
    ['an upper-case email', 'users', { email: 'Ada@example.com' }, 'email'],
    ['an upper-case Greek email', 'users', { email: 'ΑΘΗΝΑ@example.com' }, 'email'],
    ['an email with two @', 'users', { email: 'a@b@example.com' }, 'email'],
    ['an email containing a space', 'users', { email: 'ada @example.com' }, 'email'],
    ['a 255-character email', 'users', { email: `${'a'.repeat(243)}@example.com` }, 'email'],
    ['no email', 'users', { email: undefined }, 'email'],
    ['an empty name', 'users', { name: '' }, 'name'],
    ['a 101-character name', 'users', { name: 'n'.repeat(101) }, 'name'],
    ["the role 'root'", 'users', { role: 'root' }, 'role'],
    ['a plain-text password', 'users', { passwordHash: 'hunter2' }, 'passwordHash'],
    [
      'a bcrypt hash cut short',
      'users',
      { passwordHash: BCRYPT_HASH.slice(0, -1) },
      'passwordHash',
    ],
    ['a non-UUID _id', 'users', { _id: 'user-1' }, '_id'],
    ['an upper-case UUID _id', 'users', { _id: randomUUID().toUpperCase() }, '_id'],
    ['a 513-character userAgent', 'sessions', { userAgent: 'u'.repeat(513) }, 'userAgent'],
    ['an unlisted revokedReason', 'sessions', { revokedReason: 'hacked' }, 'revokedReason'],
    ['a non-UUID userId', 'sessions', { userId: 'u1' }, 'userId'],
    ['a 63-character tokenHash', 'refreshTokens', { tokenHash: 'a'.repeat(63) }, 'tokenHash'],
    ['a non-hex tokenHash', 'refreshTokens', { tokenHash: 'g'.repeat(64) }, 'tokenHash'],
    ['an upper-case tokenHash', 'refreshTokens', { tokenHash: 'A'.repeat(64) }, 'tokenHash'],
    ['a non-UUID replacedById', 'refreshTokens', { replacedById: 'next' }, 'replacedById'],
  ] as const)(
    'when a document has %s, then validation fails on exactly that path',
    async (_, model, overrides, path) => {
      expect(await invalidPaths(model, build[model](overrides))).toEqual([path]);
    },
  );

  it.each([
    ['users', userDocument({ isAdmin: true })],
    ['sessions', sessionDocument({ isAdmin: true })],
    ['refreshTokens', tokenDocument({ isAdmin: true })],
  ] as const)(
    'when a %s document has an unknown field, then the constructor throws a StrictModeError naming it',
    (model, doc) => {
      const error = thrownBy(() => new models[model](doc));
      expect(error).toBeInstanceOf(mongoose.Error.StrictModeError);
      expect(error).toMatchObject({ path: 'isAdmin' });
    },
  );
});

describe('mongo schemas: declared indexes', () => {
  it('when the user indexes are read, then email is unique among live accounts only', () => {
    expect(userSchema.indexes()).toEqual([
      [
        { email: 1 },
        {
          unique: true,
          name: 'users_live_email',
          partialFilterExpression: { deletedAt: { $type: 'null' } },
        },
      ],
    ]);
  });

  it('when the session indexes are read, then there is one on userId and a TTL on expiresAt', () => {
    expect(sessionSchema.indexes()).toEqual([
      [{ userId: 1 }, { name: 'sessions_user' }],
      [{ expiresAt: 1 }, { name: 'sessions_ttl', expireAfterSeconds: 0 }],
    ]);
  });

  it('when the refresh token indexes are read, then tokenHash is unique, sessionId indexed, expiresAt a TTL', () => {
    expect(refreshTokenSchema.indexes()).toEqual([
      [{ tokenHash: 1 }, { unique: true, name: 'refresh_tokens_hash' }],
      [{ sessionId: 1 }, { name: 'refresh_tokens_session' }],
      [{ expiresAt: 1 }, { name: 'refresh_tokens_ttl', expireAfterSeconds: 0 }],
    ]);
  });

  it('when the models are created, then each model carries its schema, so createIndexes builds these', () => {
    expect(models.users.schema).toBe(userSchema);
    expect(models.sessions.schema).toBe(sessionSchema);
    expect(models.refreshTokens.schema).toBe(refreshTokenSchema);
  });
});

describe('mongo schemas: options', () => {
  it.each([
    ['users', 'User', 'users'],
    ['sessions', 'Session', 'sessions'],
    ['refreshTokens', 'RefreshToken', 'refresh_tokens'],
  ] as const)(
    'when the %s model is created, then it is named %s and stored in the %s collection',
    (model, name, collection) => {
      expect(models[model].modelName).toBe(name);
      expect(models[model].collection.collectionName).toBe(collection);
    },
  );

  it.each([
    ['users', userSchema],
    ['sessions', sessionSchema],
    ['refreshTokens', refreshTokenSchema],
  ] as const)(
    'when the %s schema is read, then unknown fields throw and nothing buffers or versions',
    (_, schema) => {
      expect(schema.get('strict')).toBe('throw');
      expect(schema.get('strictQuery')).toBe('throw');
      expect(schema.get('bufferCommands')).toBe(false);
      expect(schema.get('versionKey')).toBe(false);
      expect(schema.get('autoIndex')).toBe(false);
    },
  );

  it('when a filter names a field the schema does not have, then the query rejects with a StrictModeError', async () => {
    const query = models.users.findOne({ isAdmin: true } as unknown as Record<string, never>);
    await expect(query.exec()).rejects.toBeInstanceOf(mongoose.Error.StrictModeError);
  });
});
