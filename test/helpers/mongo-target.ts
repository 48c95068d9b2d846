// Finds a MongoDB for the tests that need one: MONGODB_URI, or a mongod binary named by MONGOMS_SYSTEM_BINARY
// started through mongodb-memory-server. Nothing is downloaded; without either, the caller says why and skips.
import { MongoMemoryServer } from 'mongodb-memory-server-core';

export interface MongoTarget {
  /** A URI for a database of this name on the target server. */
  uriFor(databaseName: string): string;
  stop(): Promise<void>;
}

export type MongoSearch = { found: true; target: MongoTarget } | { found: false; reason: string };

/** Set to 1 where MongoDB is expected (a CI job with a mongod), to turn a missing server into a failure. */
export const REQUIRE_MONGODB = process.env.REQUIRE_MONGODB === '1';

function withDatabase(uri: string, databaseName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?#]+)(?:\/[^?#]*)?(\?[^#]*)?$/.exec(uri);
  if (!match) throw new Error('MONGODB_URI is not a mongodb:// or mongodb+srv:// URI');
  return `${match[1] ?? ''}/${databaseName}${match[2] ?? ''}`;
}

export async function findMongoTarget(): Promise<MongoSearch> {
  const uri = process.env.MONGODB_URI;
  if (uri !== undefined && uri !== '') {
    return {
      found: true,
      target: { uriFor: (name) => withDatabase(uri, name), stop: () => Promise.resolve() },
    };
  }
  const binary = process.env.MONGOMS_SYSTEM_BINARY;
  if (binary === undefined || binary === '') {
    return {
      found: false,
      reason:
        'neither MONGODB_URI nor MONGOMS_SYSTEM_BINARY is set (no mongod is installable on this machine)',
    };
  }
  const server = await MongoMemoryServer.create({ binary: { systemBinary: binary } });
  return {
    found: true,
    target: {
      uriFor: (name) => withDatabase(server.getUri(), name),
      stop: async () => {
        await server.stop();
      },
    },
  };
}
