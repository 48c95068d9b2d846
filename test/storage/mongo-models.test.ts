// The MongoDB schemas without a server: what validation accepts and refuses (naming the path), the indexes they
// declare, and the options that make unknown fields and disconnected writes fail instead of passing silently.
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import type {
  EmailClaimDocument,
  MailEntryDocument,
  MailLeaseDocument,
  RefreshTokenDocument,
  SessionDocument,
  SessionRevocationDocument,
  UserDeletionDocument,
  UserDocument,
} from '../../src/storage/mongo/mongo-documents.js';
import {
  createModels,
  emailClaimSchema,
  mailEntrySchema,
  mailLeaseSchema,
  refreshTokenSchema,
  sessionRevocationSchema,
  sessionSchema,
  userDeletionSchema,
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
    userAgent: 'vitest/mongo-models',
    ip: '203.0.113.7',
    amr: ['pwd'],
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
    rotatedFrom: 'root:first',
    ...overrides,
  };
}

/** An email claim, a deletion and a revocation as the adapter inserts them. */
const claimDocument = (overrides: Record<string, unknown> = {}): EmailClaimDocument => ({
  _id: 'ada@example.com',
  userId: randomUUID(),
  createdAt: T0,
  ...overrides,
});
const deletionDocument = (overrides: Record<string, unknown> = {}): UserDeletionDocument => ({
  _id: randomUUID(),
  deletedAt: T1,
  ...overrides,
});
const revocationDocument = (
  overrides: Record<string, unknown> = {},
): SessionRevocationDocument => ({
  _id: randomUUID(),
  userId: randomUUID(),
  revokedAt: T1,
  reason: 'refresh_token_reused',
  expiresAt: T1,
  ...overrides,
});

/** A mail entry and a lease as the mail outbox inserts them. */
const MAIL_ID = randomUUID();
const mailEntryDocument = (overrides: Record<string, unknown> = {}): MailEntryDocument => ({
  _id: `${MAIL_ID}:0`,
  mailId: MAIL_ID,
  kind: 'password_reset',
  sealed: 'v1.sealed',
  createdAt: T0,
  notAfter: T1,
  state: 'pending',
  attempts: 0,
  nextAttemptAt: T0,
  sentAt: null,
  lastError: null,
  ...overrides,
});
const mailLeaseDocument = (overrides: Record<string, unknown> = {}): MailLeaseDocument => ({
  _id: `${MAIL_ID}:0:0`,
  mailId: MAIL_ID,
  attempts: 0,
  generation: 0,
  leaseUntil: T1,
  takenAt: T0,
  ...overrides,
});

const build = {
  users: userDocument,
  emailClaims: claimDocument,
  userDeletions: deletionDocument,
  sessions: sessionDocument,
  sessionRevocations: revocationDocument,
  refreshTokens: tokenDocument,
  mailEntries: mailEntryDocument,
  mailLeases: mailLeaseDocument,
};

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
    ['users', userDocument({ role: 'admin', email: 'a.b+c@sub.example.org' })],
    ['emailClaims', claimDocument()],
    ['userDeletions', deletionDocument()],
    ['sessions', sessionDocument()],
    ['sessions', sessionDocument({ userAgent: null, ip: null })],
    ['sessions', sessionDocument({ amr: ['pwd', 'otp'] })],
    ['sessionRevocations', revocationDocument()],
    ['sessions', sessionDocument({ userAgent: 'u'.repeat(512), ip: 'i'.repeat(64) })],
    ['refreshTokens', tokenDocument()],
    ['refreshTokens', tokenDocument({ usedAt: T1, replacedById: randomUUID() })],
    ['mailEntries', mailEntryDocument()],
    [
      'mailEntries',
      mailEntryDocument({
        _id: `${MAIL_ID}:6`,
        state: 'dead',
        sealed: null,
        attempts: 6,
        lastError: 'e'.repeat(1000),
      }),
    ],
    ['mailEntries', mailEntryDocument({ state: 'sent', sealed: null, attempts: 1, sentAt: T1 })],
    ['mailLeases', mailLeaseDocument()],
    ['mailLeases', mailLeaseDocument({ _id: `${MAIL_ID}:2:13`, attempts: 2, generation: 13 })],
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
    ['an unlisted revocation reason', 'sessionRevocations', { reason: 'hacked' }, 'reason'],
    ['an unlisted authentication method', 'sessions', { amr: ['pwd', 'sms'] }, 'amr.1'],
    ['an upper-case email claim', 'emailClaims', { _id: 'Ada@example.com' }, '_id'],
    ['a claim without its user', 'emailClaims', { userId: undefined }, 'userId'],
    ['a deletion without its time', 'userDeletions', { deletedAt: undefined }, 'deletedAt'],
    ['a token without rotatedFrom', 'refreshTokens', { rotatedFrom: undefined }, 'rotatedFrom'],
    ['a non-UUID userId', 'sessions', { userId: 'u1' }, 'userId'],
    ['a 63-character tokenHash', 'refreshTokens', { tokenHash: 'a'.repeat(63) }, 'tokenHash'],
    ['a non-hex tokenHash', 'refreshTokens', { tokenHash: 'g'.repeat(64) }, 'tokenHash'],
    ['an upper-case tokenHash', 'refreshTokens', { tokenHash: 'A'.repeat(64) }, 'tokenHash'],
    ['a non-UUID replacedById', 'refreshTokens', { replacedById: 'next' }, 'replacedById'],
    ['an unlisted mail kind', 'mailEntries', { kind: 'newsletter' }, 'kind'],
    ['an unlisted mail state', 'mailEntries', { state: 'queued' }, 'state'],
    ['a mail entry key without attempts', 'mailEntries', { _id: MAIL_ID }, '_id'],
    ['a fractional attempt count', 'mailEntries', { attempts: 0.5 }, 'attempts'],
    ['a negative attempt count', 'mailEntries', { attempts: -1 }, 'attempts'],
    ['a 1001-character lastError', 'mailEntries', { lastError: 'e'.repeat(1001) }, 'lastError'],
    ['a non-UUID mailId', 'mailEntries', { mailId: 'mail-1' }, 'mailId'],
    ['a lease key without its generation', 'mailLeases', { _id: `${MAIL_ID}:0` }, '_id'],
    ['a lease without its end', 'mailLeases', { leaseUntil: undefined }, 'leaseUntil'],
    ['a fractional generation', 'mailLeases', { generation: 1.5 }, 'generation'],
  ] as const)(
    'when a document has %s, then validation fails on exactly that path',
    async (_, model, overrides, path) => {
      expect(await invalidPaths(model, build[model](overrides))).toEqual([path]);
    },
  );

  it.each([
    ['users', userDocument({ isAdmin: true })],
    ['users', userDocument({ deletedAt: T1 })],
    ['sessions', sessionDocument({ isAdmin: true })],
    ['sessions', sessionDocument({ revokedAt: T1 })],
    ['refreshTokens', tokenDocument({ isAdmin: true })],
  ] as const)(
    'when a %s document has an unknown field, then the constructor throws a StrictModeError naming it',
    (model, doc) => {
      const error = thrownBy(() => new models[model](doc));
      expect(error).toBeInstanceOf(mongoose.Error.StrictModeError);
      expect(error).toMatchObject({ path: Object.keys(doc).at(-1) });
    },
  );
});

describe('mongo schemas: declared indexes', () => {
  it('when the user, claim and deletion indexes are read, then each has only its _id (the unique key)', () => {
    for (const schema of [userSchema, emailClaimSchema, userDeletionSchema]) {
      expect(schema.indexes()).toEqual([]);
    }
  });

  it("when the revocation indexes are read, then one lists a user's ended sessions, newest first, and none is unique", () => {
    expect(sessionRevocationSchema.indexes()).toEqual([
      [{ userId: 1, revokedAt: -1 }, { name: 'session_revocations_user' }],
    ]);
  });

  it('when the session indexes are read, then there is one on userId (expiry is indexed by mongo-setup.ts)', () => {
    expect(sessionSchema.indexes()).toEqual([[{ userId: 1 }, { name: 'sessions_user' }]]);
  });

  it('when the refresh token indexes are read, then tokenHash and rotatedFrom are unique, sessionId indexed', () => {
    expect(refreshTokenSchema.indexes()).toEqual([
      [{ tokenHash: 1 }, { unique: true, name: 'refresh_tokens_hash' }],
      [{ sessionId: 1 }, { name: 'refresh_tokens_session' }],
      [{ rotatedFrom: 1 }, { unique: true, name: 'refresh_tokens_rotated_from' }],
    ]);
  });

  it('when the mail outbox indexes are read, then due, age and mail are indexed and nothing but _id is unique', () => {
    expect(mailEntrySchema.indexes()).toEqual([
      [{ state: 1, nextAttemptAt: 1 }, { name: 'mail_outbox_due' }],
      [{ state: 1, createdAt: 1 }, { name: 'mail_outbox_created' }],
      [{ mailId: 1 }, { name: 'mail_outbox_mail' }],
    ]);
    expect(mailLeaseSchema.indexes()).toEqual([[{ mailId: 1 }, { name: 'mail_leases_mail' }]]);
  });

  it('when any schema index is read, then it is one MongoDB and FerretDB 1.24 both build (no partial, sparse or TTL)', () => {
    for (const schema of [sessionSchema, refreshTokenSchema, mailEntrySchema, mailLeaseSchema]) {
      for (const [, options] of schema.indexes()) {
        expect(options).not.toHaveProperty('partialFilterExpression');
        expect(options).not.toHaveProperty('sparse');
        expect(options).not.toHaveProperty('expireAfterSeconds');
      }
    }
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
    ['emailClaims', 'EmailClaim', 'email_claims'],
    ['userDeletions', 'UserDeletion', 'user_deletions'],
    ['sessions', 'Session', 'sessions'],
    ['sessionRevocations', 'SessionRevocation', 'session_revocations'],
    ['refreshTokens', 'RefreshToken', 'refresh_tokens'],
    ['mailEntries', 'MailEntry', 'mail_outbox'],
    ['mailLeases', 'MailLease', 'mail_leases'],
  ] as const)(
    'when the %s model is created, then it is named %s and stored in the %s collection',
    (model, name, collection) => {
      expect(models[model].modelName).toBe(name);
      expect(models[model].collection.collectionName).toBe(collection);
    },
  );

  it.each([
    ['users', userSchema],
    ['emailClaims', emailClaimSchema],
    ['userDeletions', userDeletionSchema],
    ['sessions', sessionSchema],
    ['sessionRevocations', sessionRevocationSchema],
    ['refreshTokens', refreshTokenSchema],
    ['mailEntries', mailEntrySchema],
    ['mailLeases', mailLeaseSchema],
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
