// The Mongo adapter has no transaction, so the order of its steps is what keeps rotation honest against revocation.
// These cases force the one interleaving a race can only hit by luck: the session is revoked (through another
// connection, as another instance would) right after the adapter has read it as live. A rotation or a graced replay
// must then come out 'revoked' with nothing stored or handed out; an adapter that decides on that read alone answers
// 'rotated' or 'graced' and leaves a usable token in a revoked session.
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { openMongoStores } from '../../src/storage/mongo/mongo-connection.js';
import { createModels, type MongoModels } from '../../src/storage/mongo/mongo-models.js';
import { createMongoStores } from '../../src/storage/mongo/mongo-stores.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import { HOUR, at, newSession, newToken, newUser } from '../contract/fixtures.js';
import { LogCapture } from '../helpers/log-capture.js';
import { findMongoTarget } from '../helpers/mongo-target.js';
import { describeWithService } from '../helpers/required-service.js';

const logger = createLogger({ level: 'silent', destination: new LogCapture().stream });

/** The sessions model with `after` run once, when the first read of a session by `method` has resolved. */
function revokingAfterFirstRead(
  models: MongoModels,
  method: 'findOne' | 'exists',
  after: () => Promise<unknown>,
) {
  let done = false;
  const sessions = new Proxy(models.sessions, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== method || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const query = (
          value as (...a: unknown[]) => PromiseLike<unknown> & { lean?: () => PromiseLike<unknown> }
        ).apply(target, args);
        const settle = async (read: PromiseLike<unknown>) => {
          const result = await read;
          if (!done) {
            done = true;
            await after();
          }
          return result;
        };
        return method === 'findOne'
          ? { lean: () => settle((query as { lean: () => PromiseLike<unknown> }).lean()) }
          : settle(query);
      };
    },
  });
  return { ...models, sessions };
}

describeWithService(
  'the Mongo adapter against a revocation after its liveness read',
  await findMongoTarget(),
  (mongo) => {
    afterAll(() => mongo().stop());

    async function twoInstances(method: 'findOne' | 'exists') {
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
      const user = newUser();
      await other.users.createUser(user);
      const session = newSession(user.id);
      const token = newToken(session);
      await other.sessions.openSession(session, token);
      const revoke = () => other.sessions.revokeSession(session.id, 'logout', at(HOUR));
      const stores = createMongoStores(
        connection,
        revokingAfterFirstRead(createModels(connection), method, revoke),
      );
      return { stores, other, session, token };
    }

    it('when the session is revoked right after rotation read it as live, then the rotation is revoked and stores nothing', async () => {
      const { stores, other, session, token } = await twoInstances('findOne');
      const successor = newToken(session);

      expect(
        await stores.sessions.rotateRefreshToken(token.tokenHash, successor, at(HOUR)),
      ).toEqual({ outcome: 'revoked', reason: 'logout' });
      expect(await other.sessions.findRefreshToken(successor.tokenHash)).toBeUndefined();
      expect((await other.sessions.findRefreshToken(token.tokenHash))?.usedAt).toBeNull();
    });

    it('when the session is revoked right after a graced replay read it as live, then the replay is revoked', async () => {
      const { stores, other, session, token } = await twoInstances('findOne');
      const successor = newToken(session, { createdAt: at(HOUR) });
      expect(
        (await other.sessions.rotateRefreshToken(token.tokenHash, successor, at(HOUR))).outcome,
      ).toBe('rotated');

      const replay = await stores.sessions.rotateRefreshToken(
        token.tokenHash,
        newToken(session),
        at(HOUR + 1000),
        { windowMs: 10_000, maxReplays: 5 },
      );
      expect(replay).toEqual({ outcome: 'revoked', reason: 'logout' });
    });
  },
);
