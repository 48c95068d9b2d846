// Data written by the first version of the MongoDB adapter keeps working: documents as that version wrote them (a
// deleted flag and a revoked flag set in place, no rotatedFrom; its partial and TTL indexes where the server builds
// them) are set up at start, and then every port reads and writes them as its own. The set-up is idempotent, and a
// start with MONGODB_AUTO_INDEX=false refuses a database that was not set up.
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { openMongoStores } from '../../src/storage/mongo/mongo-connection.js';
import { HOUR, at, newToken } from '../contract/fixtures.js';
import { LogCapture } from '../helpers/log-capture.js';
import { findMongoTarget } from '../helpers/mongo-target.js';
import { describeWithService } from '../helpers/required-service.js';

const T0 = at(0);
const HASH = `$2b$04$${'a'.repeat(53)}`;
const ids = { ada: randomUUID(), bob: randomUUID(), s1: randomUUID(), s2: randomUUID() };
const tokens = { t0: randomUUID(), t1: randomUUID(), t2: randomUUID() };
const hashOf = (id: string) => id.replaceAll('-', '').padEnd(64, '0');

/** The first version's documents, field for field as its createUser, openSession and rotation wrote them. */
async function writeFirstVersionData(connection: Connection): Promise<string[]> {
  const user = (id: string, email: string, deletedAt: Date | null) => ({
    _id: id,
    email,
    name: 'Legacy',
    role: 'user',
    passwordHash: HASH,
    createdAt: T0,
    updatedAt: T0,
    passwordChangedAt: T0,
    deletedAt,
  });
  const session = (id: string, revokedAt: Date | null) => ({
    _id: id,
    userId: ids.ada,
    createdAt: T0,
    lastUsedAt: T0,
    expiresAt: at(30 * 24 * HOUR),
    revokedAt,
    revokedReason: revokedAt ? 'logout' : null,
    userAgent: null,
    ip: null,
  });
  const token = (
    id: string,
    sessionId: string,
    usedAt: Date | null,
    replacedById: string | null,
  ) => ({
    _id: id,
    sessionId,
    userId: ids.ada,
    tokenHash: hashOf(id),
    createdAt: T0,
    expiresAt: at(7 * 24 * HOUR),
    usedAt,
    replacedById,
  });
  const db = connection.db;
  if (!db) throw new Error('arrange: not connected');
  await db
    .collection<{ _id: string }>('users')
    .insertMany([
      user(ids.ada, 'ada@example.com', null),
      user(ids.bob, 'bob@example.com', at(HOUR)),
    ]);
  await db
    .collection<{ _id: string }>('sessions')
    .insertMany([session(ids.s1, null), session(ids.s2, at(HOUR))]);
  await db
    .collection<{ _id: string }>('refresh_tokens')
    .insertMany([
      token(tokens.t0, ids.s1, at(HOUR), tokens.t1),
      token(tokens.t1, ids.s1, null, null),
      token(tokens.t2, ids.s2, null, null),
    ]);
  // The first version's indexes, where this server builds them (FerretDB builds neither a partial nor a TTL index).
  const built: string[] = [];
  const tryIndex = async (
    collection: string,
    keys: object,
    options: Record<string, unknown> & { name: string },
  ) => {
    await db
      .collection(collection)
      .createIndex(keys as never, options, undefined)
      .then(
        () => built.push(options.name),
        () => undefined,
      );
  };
  await tryIndex(
    'users',
    { email: 1 },
    {
      unique: true,
      name: 'users_live_email',
      partialFilterExpression: { deletedAt: { $type: 'null' } },
    },
  );
  await tryIndex('sessions', { expiresAt: 1 }, { name: 'sessions_ttl', expireAfterSeconds: 0 });
  await tryIndex(
    'refresh_tokens',
    { expiresAt: 1 },
    { name: 'refresh_tokens_ttl', expireAfterSeconds: 0 },
  );
  return built;
}

describeWithService(
  'the MongoDB set-up over data of the first version',
  await findMongoTarget(),
  (mongo) => {
    afterAll(() => mongo().stop());

    async function freshDatabase() {
      const uri = mongo().uriFor(`auth_setup_${randomUUID().replaceAll('-', '')}`);
      const connection = await mongoose.createConnection(uri).asPromise();
      onTestFinished(async () => {
        await connection.dropDatabase();
        await connection.close();
      });
      const logs = new LogCapture();
      const open = (autoIndex: boolean) =>
        openMongoStores(
          { uri, poolSize: 4, serverSelectionTimeoutMs: 5000, socketTimeoutMs: 10_000, autoIndex },
          createLogger({ level: 'info', destination: logs.stream }),
        );
      return { connection, logs, open };
    }

    it('when the service starts on first-version data, then accounts, deletions, revocations and tokens keep their meaning', async () => {
      const { connection, logs, open } = await freshDatabase();
      const oldIndexes = await writeFirstVersionData(connection);
      const stores = await open(true);
      onTestFinished(() => stores.close());
      const now = at(2 * HOUR);

      expect(await stores.users.findLiveUserByEmail('ada@example.com')).toMatchObject({
        id: ids.ada,
        emailVerified: false,
      });
      expect(await stores.users.findLiveUserByEmail('bob@example.com')).toBeUndefined();
      expect(
        await stores.users.createUser({
          id: randomUUID(),
          email: 'ada@example.com',
          name: 'X',
          role: 'user',
          passwordHash: HASH,
          createdAt: now,
        }),
      ).toEqual({ outcome: 'email-taken' });
      expect(
        (
          await stores.users.createUser({
            id: randomUUID(),
            email: 'bob@example.com',
            name: 'Bob',
            role: 'user',
            passwordHash: HASH,
            createdAt: now,
          })
        ).outcome,
      ).toBe('created');
      // Sessions from before the second factor read as opened by a password alone.
      expect((await stores.sessions.findLiveSession(ids.s1, now))?.session.amr).toEqual(['pwd']);
      expect(await stores.sessions.findLiveSession(ids.s2, now)).toBeUndefined();
      const s1 = {
        id: ids.s1,
        userId: ids.ada,
        createdAt: T0,
        expiresAt: at(30 * 24 * HOUR),
        userAgent: null,
        ip: null,
        amr: ['pwd'] as const,
      };
      const s2 = { ...s1, id: ids.s2 };
      expect(
        await stores.sessions.rotateRefreshToken(hashOf(tokens.t0), newToken(s1), now),
      ).toMatchObject({ outcome: 'reused' });
      expect(
        await stores.sessions.rotateRefreshToken(hashOf(tokens.t2), newToken(s2), now),
      ).toEqual({ outcome: 'revoked', reason: 'logout' });
      expect(
        await stores.sessions.rotateRefreshToken(hashOf(tokens.t1), newToken(s1), now),
      ).toEqual({ outcome: 'rotated' });
      expect(await stores.users.softDeleteUser(ids.bob, now)).toBe(false);

      const names = async (collection: string) =>
        (await connection.db?.collection(collection).listIndexes().toArray())?.map(({ name }) =>
          String(name),
        ) ?? [];
      const after = [
        ...(await names('users')),
        ...(await names('sessions')),
        ...(await names('refresh_tokens')),
      ];
      for (const old of oldIndexes) expect(after).not.toContain(old);
      expect(after).toEqual(
        expect.arrayContaining([
          'sessions_expires',
          'refresh_tokens_rotated_from',
          'refresh_tokens_expires',
        ]),
      );
      const report = logs.lines.find((line) => line.msg === 'MongoDB database set up');
      expect(report?.migrated).toEqual({
        claims: 1,
        deletions: 1,
        revocations: 1,
        tokens: 3,
        unverified: 2,
      });
      const collectionOf: Record<string, string> = {
        users_live_email: 'users',
        sessions_ttl: 'sessions',
        refresh_tokens_ttl: 'refresh_tokens',
      };
      expect(report?.dropped).toEqual(
        oldIndexes.map((name) => `${collectionOf[name] ?? ''}.${name}`),
      );
    });

    it('when the set-up runs again, then it changes nothing and says the migration was done', async () => {
      const { connection, logs, open } = await freshDatabase();
      await writeFirstVersionData(connection);
      await (await open(true)).close();
      const again = await open(true);
      onTestFinished(() => again.close());

      const reports = logs.lines.filter((line) => line.msg === 'MongoDB database set up');
      expect(reports.at(-1)).toMatchObject({ migrated: 'already', dropped: [] });
      expect((await again.users.findLiveUserByEmail('ada@example.com'))?.id).toBe(ids.ada);
    });

    /** An account as the adapter wrote it before email verification existed (no emailVerified), with its claim. */
    async function writeAccountWithoutVerification(connection: Connection, email: string) {
      const id = randomUUID();
      const db = connection.db;
      if (!db) throw new Error('arrange: not connected');
      await db.collection<{ _id: string } & Record<string, unknown>>('users').insertOne({
        _id: id,
        email,
        name: 'Before',
        role: 'user',
        passwordHash: HASH,
        createdAt: T0,
        updatedAt: T0,
        passwordChangedAt: T0,
      });
      await db
        .collection<{ _id: string } & Record<string, unknown>>('email_claims')
        .insertOne({ _id: email, userId: id, createdAt: T0 });
      return id;
    }

    it('when a database set up before email verification has accounts, then the set-up marks them unverified, once', async () => {
      const { connection, logs, open } = await freshDatabase();
      await connection.db
        ?.collection<{ _id: string; at: Date }>('adapter_migrations')
        .insertOne({ _id: 'insert-only-records', at: T0 });
      const id = await writeAccountWithoutVerification(connection, 'before@example.com');

      const stores = await open(true);
      onTestFinished(() => stores.close());

      const reports = logs.lines.filter((line) => line.msg === 'MongoDB database set up');
      expect(reports.at(-1)?.migrated).toEqual({ unverified: 1 });
      expect(
        await connection.db?.collection<{ _id: string }>('users').findOne({ _id: id }),
      ).toMatchObject({ emailVerified: false });
      expect(await stores.users.findLiveUserByEmail('before@example.com')).toMatchObject({
        id,
        emailVerified: false,
      });
      await (await open(true)).close();
      expect(
        logs.lines.filter((line) => line.msg === 'MongoDB database set up').at(-1),
      ).toMatchObject({ migrated: 'already' });
    });

    it('when an account without emailVerified is written after the set-up (an older instance still running), then it reads unverified and can be verified', async () => {
      const { connection, open } = await freshDatabase();
      const stores = await open(true);
      onTestFinished(() => stores.close());
      const id = await writeAccountWithoutVerification(connection, 'rolling@example.com');

      expect((await stores.users.findLiveUserByEmail('rolling@example.com'))?.emailVerified).toBe(
        false,
      );
      expect(await stores.users.markEmailVerified(id, at(HOUR))).toBe(true);
      expect((await stores.users.findLiveUserByEmail('rolling@example.com'))?.emailVerified).toBe(
        true,
      );
    });

    it('when MONGODB_AUTO_INDEX=false meets a database that was not set up, then the start refuses, naming the command', async () => {
      const { connection, open } = await freshDatabase();
      await writeFirstVersionData(connection);

      await expect(open(false)).rejects.toThrow(
        /indexes are missing: .*refresh_tokens_rotated_from.*npm run db:indexes/,
      );
      await (await open(true)).close();
      await expect(open(false).then((stores) => stores.close())).resolves.toBeUndefined();
    });
  },
);
