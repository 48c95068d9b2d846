// Brings a database to what this adapter needs, idempotently: documents written by the first version of the adapter
// (a deleted flag and a revoked flag updated in place, a partial unique email index, TTL indexes) get the insert-only
// records the guarantees now rest on (mongo-documents.ts), accounts from before email verification get their
// `emailVerified` (false), the declared indexes are built, and the indexes FerretDB cannot serve are replaced. Runs at
// start (MONGODB_AUTO_INDEX) or as `npm run db:indexes`; each step is bounded and safe to repeat, and each migration
// of documents runs once (recorded in `adapter_migrations`).
import type { Collection, Connection } from 'mongoose';
import type { Logger } from '../../observability/logger.js';
import { firstTokenKey } from './mongo-documents.js';
import { duplicatesAside } from './mongo-errors.js';
import { MFA_REQUIRED_INDEXES } from './mongo-mfa-models.js';
import type { MongoModels } from './mongo-models.js';

/** Documents read or written per step of the migration. */
const BATCH = 1000;

/** The migrations of documents, in order; each runs once, recorded under its id. Each reports what it changed. */
const MIGRATIONS: ReadonlyArray<{
  id: string;
  run: (models: MongoModels) => Promise<Record<string, number>>;
}> = [
  { id: 'insert-only-records', run: migrateDocuments },
  // Accounts from before email verification count as unverified (their documents read so without it as well).
  {
    id: 'users-email-verified',
    run: async (models) => ({
      unverified: await fillIn(models.users.collection, 'emailVerified', () => false),
    }),
  },
];

/** Indexes of the first version: the partial unique email index and the TTL-only expiry (DESIGN §2). */
const SUPERSEDED: Record<string, string[]> = {
  users: ['users_live_email'],
  sessions: ['sessions_ttl'],
  refresh_tokens: ['refresh_tokens_ttl'],
};

/** The indexes requests rely on, beyond `_id`: the start refuses to run without them (MONGODB_AUTO_INDEX=false). */
const REQUIRED: Record<string, string[]> = {
  one_time_tokens: ['one_time_tokens_hash', 'one_time_tokens_sequence', 'one_time_tokens_expires'],
  one_time_token_uses: ['one_time_token_uses_expires'],
  one_time_token_supersessions: ['one_time_token_supersessions_expires'],
  sessions: ['sessions_user', 'sessions_expires'],
  refresh_tokens: [
    'refresh_tokens_hash',
    'refresh_tokens_session',
    'refresh_tokens_rotated_from',
    'refresh_tokens_expires',
  ],
  mail_outbox: ['mail_outbox_due', 'mail_outbox_created', 'mail_outbox_mail'],
  mail_leases: ['mail_leases_mail'],
  ...MFA_REQUIRED_INDEXES,
};

export interface SetupReport {
  server: string;
  /** What the migrations that ran this time changed, or 'already' when every one had run before. */
  migrated: Record<string, number> | 'already';
  dropped: string[];
}

/** The server as it names itself: FerretDB reports its own version beside the MongoDB one it speaks. */
export async function describeServer(
  connection: Connection,
): Promise<{ ferretDb: boolean; name: string }> {
  const info = (await connection.db?.admin().command({ buildInfo: 1 })) ?? {};
  const version = typeof info.version === 'string' ? info.version : 'unknown';
  return typeof info.ferretdbVersion === 'string'
    ? { ferretDb: true, name: `FerretDB ${info.ferretdbVersion}` }
    : { ferretDb: false, name: `MongoDB ${version}` };
}

export async function setUpDatabase(
  connection: Connection,
  models: MongoModels,
  logger: Logger,
): Promise<SetupReport> {
  const server = await describeServer(connection);
  const migrations = connection.collection<{ _id: string; at: Date }>('adapter_migrations');
  const done = new Set(
    await migrations.distinct('_id', { _id: { $in: MIGRATIONS.map(({ id }) => id) } }),
  );
  const pending = MIGRATIONS.filter(({ id }) => !done.has(id));
  let changed: Record<string, number> = {};
  for (const migration of pending) changed = { ...changed, ...(await migration.run(models)) };
  const migrated = pending.length === 0 ? ('already' as const) : changed;
  // The unique indexes exist before the old ones go.
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  const dropped = await dropSuperseded(models);
  // Expiry: the bounded sweep removes expired records on every server; on MongoDB a TTL index is a second line.
  const expiry = server.ferretDb ? {} : { expireAfterSeconds: 0 };
  await models.sessions.collection.createIndex(
    { expiresAt: 1 },
    { name: 'sessions_expires', ...expiry },
    undefined,
  );
  await models.refreshTokens.collection.createIndex(
    { expiresAt: 1 },
    { name: 'refresh_tokens_expires', ...expiry },
    undefined,
  );
  await models.oneTimeTokens.collection.createIndex(
    { expiresAt: 1 },
    { name: 'one_time_tokens_expires', ...expiry },
    undefined,
  );
  for (const { id } of pending) {
    await migrations.updateOne({ _id: id }, { $set: { at: new Date() } }, { upsert: true });
  }
  const report = { server: server.name, migrated, dropped };
  logger.info({ ...report }, 'MongoDB database set up');
  return report;
}

/** The first version's documents, as they were written (fields the current schemas no longer have). */
interface LegacyUser {
  _id: string;
  email: string;
  createdAt: Date;
  deletedAt?: Date | null;
}
interface LegacySession {
  _id: string;
  userId: string;
  expiresAt: Date;
  revokedAt?: Date | null;
  revokedReason?: string | null;
}

async function migrateDocuments(models: MongoModels): Promise<Record<string, number>> {
  let claims = 0;
  let deletions = 0;
  let revocations = 0;
  for await (const batch of pages<LegacyUser>(models.users.collection)) {
    const live = batch.filter((user) => user.deletedAt == null);
    const deleted = batch.filter((user) => user.deletedAt != null);
    claims += await insertAll(
      models.emailClaims.collection,
      live.map((user) => ({ _id: user.email, userId: user._id, createdAt: user.createdAt })),
    );
    deletions += await insertAll(
      models.userDeletions.collection,
      deleted.map((user) => ({ _id: user._id, deletedAt: user.deletedAt })),
    );
  }
  for await (const batch of pages<LegacySession>(models.sessions.collection)) {
    revocations += await insertAll(
      models.sessionRevocations.collection,
      batch
        .filter((session) => session.revokedAt != null)
        .map((session) => ({
          _id: session._id,
          userId: session.userId,
          revokedAt: session.revokedAt,
          reason: session.revokedReason ?? 'logout',
          expiresAt: session.expiresAt,
        })),
    );
  }
  const tokens = await fillIn(models.refreshTokens.collection, 'rotatedFrom', (id) =>
    firstTokenKey(id),
  );
  return { claims, deletions, revocations, tokens };
}

/** Every document of a collection, `BATCH` at a time in `_id` order. */
async function* pages<T extends { _id: string }>(collection: Collection): AsyncGenerator<T[]> {
  let after: string | undefined;
  for (;;) {
    const filter: Record<string, unknown> = after === undefined ? {} : { _id: { $gt: after } };
    const batch = (await collection
      .find(filter)
      .sort({ _id: 1 })
      .limit(BATCH)
      .toArray()) as unknown as T[];
    if (batch.length === 0) return;
    yield batch;
    after = batch[batch.length - 1]?._id;
  }
}

/** Inserts the documents, those already there set aside; resolves to how many were new. */
async function insertAll(collection: Collection, documents: object[]): Promise<number> {
  if (documents.length === 0) return 0;
  return duplicatesAside(async () => {
    const result = await collection.insertMany(documents, { ordered: false });
    return Array.from({ length: result.insertedCount });
  });
}

/** Sets `field` on every document that lacks it, `BATCH` at a time; resolves to how many were set. */
async function fillIn(
  collection: Collection,
  field: string,
  valueOf: (id: string) => unknown,
): Promise<number> {
  let filled = 0;
  for (;;) {
    const batch = await collection
      .find({ [field]: { $exists: false } }, { projection: { _id: 1 } })
      .limit(BATCH)
      .toArray();
    if (batch.length === 0) return filled;
    const result = await collection.bulkWrite(
      batch.map(({ _id }) => ({
        updateOne: {
          filter: { _id, [field]: { $exists: false } },
          update: { $set: { [field]: valueOf(String(_id)) } },
        },
      })),
    );
    filled += result.modifiedCount;
  }
}

async function dropSuperseded(models: MongoModels): Promise<string[]> {
  const dropped: string[] = [];
  for (const model of Object.values(models)) {
    const names = SUPERSEDED[model.collection.collectionName] ?? [];
    for (const name of await indexNames(model.collection)) {
      if (!names.includes(name)) continue;
      await model.collection.dropIndex(name);
      dropped.push(`${model.collection.collectionName}.${name}`);
    }
  }
  return dropped;
}

async function indexNames(collection: Collection): Promise<string[]> {
  // A collection that does not exist yet has no indexes (and listIndexes fails on it).
  const indexes = (await collection
    .listIndexes()
    .toArray()
    .catch(() => [])) as Array<{ name?: string }>;
  return indexes.map(({ name }) => name ?? '');
}

/** The indexes requests rely on that are missing, by name (for a start with MONGODB_AUTO_INDEX=false). */
export async function missingIndexes(models: MongoModels): Promise<string[]> {
  const missing: string[] = [];
  for (const model of Object.values(models)) {
    const collection = model.collection.collectionName;
    const names = new Set(await indexNames(model.collection));
    for (const name of REQUIRED[collection] ?? []) {
      if (!names.has(name)) missing.push(`${collection}.${name}`);
    }
  }
  return missing;
}
