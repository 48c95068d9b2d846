// Opens the MongoDB store: connects with the configured pool and timeouts, makes sure every declared index exists
// before the first request, and logs when the server goes away and comes back (the driver reconnects by itself).
import mongoose from 'mongoose';
import type { Logger } from '../../observability/logger.js';
import { withoutCredentials } from '../../observability/redact-secrets.js';
import type { Stores } from '../ports/stores.js';
import { createModels } from './mongo-models.js';
import { createMongoStores } from './mongo-stores.js';

export interface MongoOptions {
  uri: string;
  poolSize: number;
  serverSelectionTimeoutMs: number;
  socketTimeoutMs: number;
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
    // The unique email index is what makes concurrent registrations safe: it must exist before serving.
    await Promise.all(Object.values(models).map((model) => model.createIndexes()));
    const target = describeMongoUri(options.uri);
    connection.on('disconnected', () => {
      logger.warn({ target }, 'MongoDB disconnected: requests answer 503 until it is back');
    });
    connection.on('reconnected', () => {
      logger.info({ target }, 'MongoDB reconnected');
    });
    return createMongoStores(connection, models);
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw error;
  }
}
