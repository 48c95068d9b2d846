// The production store: every port on one MongoDB database through Mongoose, each call failing fast with
// StoreUnavailableError while the driver reports the server gone.
import mongoose, { type Connection } from 'mongoose';
import type { Stores } from '../ports/stores.js';
import { guardUnavailable } from '../unavailable-guard.js';
import { isMongoUnavailable } from './mongo-errors.js';
import { createMongoMailOutbox } from './mongo-mail-outbox.js';
import { createMongoMfaStore } from './mongo-mfa-store.js';
import { createModels, type MongoModels } from './mongo-models.js';
import { createMongoOneTimeTokenStore } from './mongo-one-time-token-store.js';
import { createMongoSessionStore } from './mongo-session-store.js';
import { createMongoUserStore } from './mongo-user-store.js';

/** The stores over a connection (not necessarily connected yet: calls fail fast with StoreUnavailableError). */
export function createMongoStores(
  connection: Connection,
  models: MongoModels = createModels(connection),
): Stores {
  // Any operator object that reaches a filter from outside is matched literally ($eq), never run as an operator.
  connection.set('sanitizeFilter', true);
  const guard = {
    isUnavailable: isMongoUnavailable,
    // Fail fast while the driver reports the server gone, instead of waiting out server selection.
    isReady: () => connection.readyState === mongoose.ConnectionStates.connected,
  };
  const readiness = guardUnavailable(
    {
      async ping() {
        await connection.db?.admin().ping();
      },
    },
    guard,
  );

  return {
    users: guardUnavailable(createMongoUserStore(models), guard),
    sessions: guardUnavailable(createMongoSessionStore(models), guard),
    oneTimeTokens: guardUnavailable(createMongoOneTimeTokenStore(models), guard),
    mailOutbox: guardUnavailable(createMongoMailOutbox(models), guard),
    mfa: guardUnavailable(createMongoMfaStore(models), guard),
    ping: () => readiness.ping(),
    async close() {
      await connection.close();
    },
  };
}
