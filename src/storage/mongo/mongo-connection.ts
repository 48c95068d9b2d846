// Opens the MongoDB store: connects with the configured pool and timeouts, brings the database to what the adapter
// needs before the first request (or, with MONGODB_AUTO_INDEX=false, refuses to start if that was not done), and
// logs when the server goes away and comes back (the driver reconnects by itself).
import mongoose from 'mongoose';
import type { Logger } from '../../observability/logger.js';
import { withoutCredentials } from '../../observability/redact-secrets.js';
import type { Stores } from '../ports/stores.js';
import { missingIndexes, setUpDatabase } from './mongo-setup.js';
import { createModels } from './mongo-models.js';
import { createMongoStores } from './mongo-stores.js';

export interface MongoOptions {
  uri: string;
  poolSize: number;
  serverSelectionTimeoutMs: number;
  socketTimeoutMs: number;
  /** Build indexes (and fill in fields earlier versions did not write) at start; otherwise only check them. */
  autoIndex: boolean;
}

/** The URI without credentials, for messages and logs. */
export const describeMongoUri = withoutCredentials;

export async function openMongoStores(options: MongoOptions, logger: Logger): Promise<Stores> {
  const connection = mongoose.createConnection(options.uri, {
    maxPoolSize: options.poolSize,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs,
    socketTimeoutMS: options.socketTimeoutMs,
    bufferCommands: false,
    autoIndex: false,
  });
  try {
    await connection.asPromise();
    const models = createModels(connection);
    // The unique indexes are what make concurrent registrations and rotations safe: they exist before serving.
    if (options.autoIndex) {
      await setUpDatabase(connection, models, logger);
    } else {
      const missing = await missingIndexes(models);
      if (missing.length > 0) {
        throw new Error(
          `MONGODB_AUTO_INDEX=false and these indexes are missing: ${missing.join(', ')}; run npm run db:indexes`,
        );
      }
    }
    const target = describeMongoUri(options.uri);
    let closing = false;
    connection.on('disconnected', () => {
      if (closing) return;
      logger.warn({ target }, 'MongoDB disconnected: requests answer 503 until it is back');
    });
    connection.on('reconnected', () => {
      logger.info({ target }, 'MongoDB reconnected');
    });
    const stores = createMongoStores(connection, models);
    return {
      ...stores,
      close: async () => {
        // A disconnection we asked for is no outage.
        closing = true;
        await stores.close();
      },
    };
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
}
