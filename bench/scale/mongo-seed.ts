// Writes bench:scale's population (population.ts) into a MongoDB database (FerretDB in our runs) the service then
// opens as it is: the adapter's own models and set-up make the collections and indexes, and the documents (in the
// adapter's shapes: an email claim beside each account, a revocation beside each ended session, each token's
// `rotatedFrom`) go in with ordered insertMany batches, two in flight. Every account shares one bcrypt hash.
import bcrypt from 'bcrypt';
import mongoose from 'mongoose';
import { createLogger } from '../../src/observability/logger.js';
import {
  firstTokenKey,
  type EmailClaimDocument,
  type RefreshTokenDocument,
  type SessionDocument,
  type SessionRevocationDocument,
  type UserDocument,
} from '../../src/storage/mongo/mongo-documents.js';
import { createModels, type MongoModels } from '../../src/storage/mongo/mongo-models.js';
import { setUpDatabase } from '../../src/storage/mongo/mongo-setup.js';
import { COST, PASSWORD } from '../seeded-accounts.js';
import {
  seededSessions,
  seededUsers,
  type PopulationSize,
  type SeededSession,
  type SeededToken,
  type SeededUser,
} from './population.js';
import type { SeedProgress } from './sqlite-seed.js';

/** Accounts, or sessions with their tokens, an insertMany batch of each collection. */
const ITEMS_A_BATCH = 5_000;
/** Batches sent before waiting for the oldest: the server works while the next one is built. */
const BATCHES_IN_FLIGHT = 2;

export async function seedMongo(
  uri: string,
  size: PopulationSize,
  now: number,
  progress: SeedProgress,
): Promise<void> {
  const connection = mongoose.createConnection(uri, { autoIndex: false, bufferCommands: false });
  try {
    await connection.asPromise();
    const models = createModels(connection);
    await setUpDatabase(connection, models, createLogger({ level: 'silent' }));
    const collections = typedCollections(connection, models);
    const passwordHash = await bcrypt.hash(PASSWORD, COST);
    const userIds: string[] = [];
    const inFlight = batchesInFlight();
    let batch: SeededUser[] = [];
    let done = 0;
    const sendUsers = async () => {
      const users = batch;
      batch = [];
      done += users.length;
      for (const user of users) userIds.push(user.id);
      await inFlight.send(() => insertUsers(collections, users, passwordHash));
      progress('users', done, size.users);
    };
    for (const user of seededUsers(size, now)) {
      batch.push(user);
      if (batch.length >= ITEMS_A_BATCH) await sendUsers();
    }
    if (batch.length > 0) await sendUsers();
    await inFlight.drain();

    let sessions: Array<{ session: SeededSession; tokens: SeededToken[] }> = [];
    done = 0;
    const sendSessions = async () => {
      const chunk = sessions;
      sessions = [];
      done += chunk.length;
      await inFlight.send(() => insertSessions(collections, chunk));
      progress('sessions', done, size.sessions);
    };
    for (const item of seededSessions(size, userIds, now)) {
      sessions.push(item);
      if (sessions.length >= ITEMS_A_BATCH) await sendSessions();
    }
    if (sessions.length > 0) await sendSessions();
    await inFlight.drain();
  } finally {
    await connection.close();
  }
}

/** At most BATCHES_IN_FLIGHT writes at once; `send` waits for the oldest when full, `drain` for all. */
function batchesInFlight() {
  const pending: Array<Promise<unknown>> = [];
  return {
    async send(write: () => Promise<unknown>) {
      if (pending.length >= BATCHES_IN_FLIGHT) await pending.shift();
      pending.push(write());
    },
    async drain() {
      await Promise.all(pending.splice(0));
    },
  };
}

/**
 * Ordered: FerretDB inserts an ordered batch in one go and an unordered one a document at a time (3,500 against 830
 * documents a second here). Nothing seeded collides, so the order costs nothing.
 */
const inOneGo = { ordered: true };

/** The adapter's collections, typed by its document shapes, so what is seeded is checked against them. */
function typedCollections(connection: mongoose.Connection, models: MongoModels) {
  const named = <T extends mongoose.mongo.Document>(model: {
    collection: { collectionName: string };
  }) => connection.collection<T>(model.collection.collectionName);
  return {
    users: named<UserDocument>(models.users),
    emailClaims: named<EmailClaimDocument>(models.emailClaims),
    sessions: named<SessionDocument>(models.sessions),
    sessionRevocations: named<SessionRevocationDocument>(models.sessionRevocations),
    refreshTokens: named<RefreshTokenDocument>(models.refreshTokens),
  };
}
type Collections = ReturnType<typeof typedCollections>;

async function insertUsers(
  collections: Collections,
  users: SeededUser[],
  passwordHash: string,
): Promise<void> {
  await Promise.all([
    collections.users.insertMany(
      users.map((user) => ({
        _id: user.id,
        email: user.email,
        emailVerified: user.emailVerified,
        name: user.name,
        role: 'user' as const,
        passwordHash,
        createdAt: new Date(user.createdAt),
        updatedAt: new Date(user.createdAt),
        passwordChangedAt: new Date(user.createdAt),
      })),
      inOneGo,
    ),
    collections.emailClaims.insertMany(
      users.map((user) => ({
        _id: user.email,
        userId: user.id,
        createdAt: new Date(user.createdAt),
      })),
      inOneGo,
    ),
  ]);
}

async function insertSessions(
  collections: Collections,
  items: Array<{ session: SeededSession; tokens: SeededToken[] }>,
): Promise<void> {
  const revoked = items.filter(({ session }) => session.revokedAt !== null);
  await Promise.all([
    collections.sessions.insertMany(
      items.map(({ session }) => ({
        _id: session.id,
        userId: session.userId,
        createdAt: new Date(session.createdAt),
        lastUsedAt: new Date(session.lastUsedAt),
        expiresAt: new Date(session.expiresAt),
        userAgent: session.userAgent,
        ip: session.ip,
        amr: ['pwd' as const],
      })),
      inOneGo,
    ),
    revoked.length === 0
      ? Promise.resolve()
      : collections.sessionRevocations.insertMany(
          revoked.map(({ session }) => ({
            _id: session.id,
            userId: session.userId,
            revokedAt: new Date(session.revokedAt ?? session.lastUsedAt),
            reason: 'logout' as const,
            expiresAt: new Date(session.expiresAt),
          })),
          inOneGo,
        ),
    collections.refreshTokens.insertMany(
      items.flatMap(({ tokens }) =>
        tokens.map((token, place) => ({
          _id: token.id,
          sessionId: token.sessionId,
          userId: token.userId,
          tokenHash: token.tokenHash,
          createdAt: new Date(token.createdAt),
          expiresAt: new Date(token.expiresAt),
          usedAt: token.usedAt === null ? null : new Date(token.usedAt),
          replacedById: token.replacedById,
          rotatedFrom: place === 0 ? firstTokenKey(token.id) : (tokens[place - 1]?.id ?? ''),
        })),
      ),
      inOneGo,
    ),
  ]);
}
