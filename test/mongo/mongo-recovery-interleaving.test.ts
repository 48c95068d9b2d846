// The Mongo adapter has no transaction, so the order of its steps is what keeps one-time tokens and address changes
// honest. These cases force the interleavings a race hits only by luck, with another instance acting (through its
// own connection) at the worst moment, and the failures a server can cause half-way through a change:
// - a newer token is issued between a consume's checks and its use: the consume must answer 'superseded';
// - an account is deleted between a change's read and its claim, or read by a deletion just before a change lands:
//   neither address may stay claimed by the deleted account;
// - the update that points an account at its new address fails, applied or not: the account keeps exactly the
//   address it points at.
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { openMongoStores } from '../../src/storage/mongo/mongo-connection.js';
import { createModels, type MongoModels } from '../../src/storage/mongo/mongo-models.js';
import { createMongoStores } from '../../src/storage/mongo/mongo-stores.js';
import type { NewOneTimeToken } from '../../src/storage/ports/one-time-token-store.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import { HOUR, at, newUser } from '../contract/fixtures.js';
import { LogCapture } from '../helpers/log-capture.js';
import { findMongoTarget } from '../helpers/mongo-target.js';
import { describeWithService } from '../helpers/required-service.js';

const logger = createLogger({ level: 'silent', destination: new LogCapture().stream });

type Hook = (call: () => Promise<unknown>) => Promise<unknown>;

/**
 * `models` with the first call of `method` on the model `name` run through `hook` (which decides what happens around
 * it); later calls pass straight through. Queries are awaited whole (with `.lean()` when the caller asks for it).
 */
function hookFirstCall(models: MongoModels, name: keyof MongoModels, method: string, hook: Hook) {
  let done = false;
  const model = new Proxy(models[name], {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== method || typeof value !== 'function' || done) return value;
      return (...args: unknown[]) => {
        done = true;
        // A query is run through lean() (as the adapter runs its reads); anything else is awaited as it is.
        const run = (): Promise<unknown> => {
          const result = (value as (...a: unknown[]) => unknown).apply(
            target,
            args,
          ) as Promise<unknown> & {
            lean?: () => Promise<unknown>;
          };
          return typeof result.lean === 'function' ? result.lean() : result;
        };
        const hooked = hook(run);
        return Object.assign(hooked, { lean: () => hooked });
      };
    },
  });
  return { ...models, [name]: model };
}

const newOneTimeToken = (userId: string): NewOneTimeToken => ({
  id: randomUUID(),
  purpose: 'password_reset',
  userId,
  email: 'ada@example.com',
  tokenHash: randomBytes(32).toString('base64url'),
  createdAt: at(0),
  expiresAt: at(HOUR),
});

describeWithService(
  'the Mongo adapter against another instance at the worst moment',
  await findMongoTarget(),
  (mongo) => {
    afterAll(() => mongo().stop());

    /** Another instance's stores, and this instance's stores over `models` (hooked by the test) on the same database. */
    async function twoInstances(hook: (models: MongoModels) => MongoModels) {
      const uri = mongo().uriFor(`auth_interleave_${randomUUID().replaceAll('-', '')}`);
      const other: Stores = await openMongoStores(
        {
          uri,
          poolSize: 2,
          serverSelectionTimeoutMs: 5000,
          socketTimeoutMs: 10_000,
          autoIndex: true,
        },
        logger,
      );
      const connection = await mongoose.createConnection(uri).asPromise();
      onTestFinished(async () => {
        await other.close();
        await connection.dropDatabase();
        await connection.close();
      });
      return { other, stores: createMongoStores(connection, hook(createModels(connection))) };
    }

    async function registered(stores: Stores, email = `${randomUUID()}@example.com`) {
      const created = await stores.users.createUser(newUser({ email }));
      if (created.outcome !== 'created') throw new Error('arrange: the user was not created');
      return created.user;
    }

    async function isFree(stores: Stores, email: string) {
      return (await stores.users.createUser(newUser({ email }))).outcome === 'created';
    }

    it("when a newer token is issued between a consume's checks and its use, then the consume answers superseded", async () => {
      const userId = randomUUID();
      const older = newOneTimeToken(userId);
      const newer = newOneTimeToken(userId);
      let issueNewer: () => Promise<unknown> = () => Promise.resolve();
      const instances = await twoInstances((models) =>
        hookFirstCall(models, 'oneTimeTokenUses', 'create', async (use) => {
          await issueNewer();
          return use();
        }),
      );
      const { other } = instances;
      issueNewer = () => other.oneTimeTokens.issueOneTimeToken(newer, at(1));
      await other.oneTimeTokens.issueOneTimeToken(older, at(0));

      expect(
        await instances.stores.oneTimeTokens.consumeOneTimeToken(
          older.tokenHash,
          'password_reset',
          at(2),
        ),
      ).toEqual({ outcome: 'superseded' });
      expect(
        await other.oneTimeTokens.consumeOneTimeToken(older.tokenHash, 'password_reset', at(3)),
      ).toEqual({ outcome: 'superseded' });
      expect(
        (await other.oneTimeTokens.consumeOneTimeToken(newer.tokenHash, 'password_reset', at(3)))
          .outcome,
      ).toBe('consumed');
    });

    it('when the account is deleted between a change reading it and claiming the new address, then the change is unknown and both addresses are free', async () => {
      let deleteFirst: () => Promise<unknown> = () => Promise.resolve();
      const { stores, other } = await twoInstances((models) =>
        hookFirstCall(models, 'emailClaims', 'create', async (claim) => {
          await deleteFirst();
          return claim();
        }),
      );
      const user = await registered(other);
      deleteFirst = () => other.users.softDeleteUser(user.id, at(HOUR));

      expect(await stores.users.changeEmail(user.id, 'moved@example.com', at(HOUR))).toBe(
        'unknown',
      );
      expect(await isFree(other, user.email)).toBe(true);
      expect(await isFree(other, 'moved@example.com')).toBe(true);
    });

    it('when a deletion has read the account just before a change lands, then after both the two addresses are free', async () => {
      let changeFirst: () => Promise<unknown> = () => Promise.resolve();
      const { stores, other } = await twoInstances((models) =>
        hookFirstCall(models, 'users', 'findOne', async (read) => {
          const account = await read();
          await changeFirst();
          return account;
        }),
      );
      const user = await registered(other);
      changeFirst = () => other.users.changeEmail(user.id, 'moved@example.com', at(HOUR));

      expect(await stores.users.softDeleteUser(user.id, at(HOUR))).toBe(true);
      expect(await isFree(other, user.email)).toBe(true);
      expect(await isFree(other, 'moved@example.com')).toBe(true);
    });

    it.each([
      ['applied, its answer lost', true, 'moved@example.com'],
      ['not applied', false, 'old'],
    ] as const)(
      'when the update pointing the account at its new address fails (%s), then the account keeps only the address it points at',
      async (_, applied, kept) => {
        const { stores, other } = await twoInstances((models) =>
          hookFirstCall(models, 'users', 'updateOne', async (update) => {
            if (applied) await update();
            throw new mongoose.mongo.MongoNetworkError('connection reset');
          }),
        );
        const user = await registered(other);
        const keptEmail = kept === 'old' ? user.email : kept;
        const freed = kept === 'old' ? 'moved@example.com' : user.email;

        await expect(
          stores.users.changeEmail(user.id, 'moved@example.com', at(HOUR)),
        ).rejects.toThrow();

        expect((await other.users.findLiveUserByEmail(keptEmail))?.id).toBe(user.id);
        expect(await other.users.findLiveUserByEmail(freed)).toBeUndefined();
        expect(await isFree(other, freed)).toBe(true);
      },
    );
  },
);
