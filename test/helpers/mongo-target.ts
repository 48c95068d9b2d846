// Finds a MongoDB for the tests that need one: MONGODB_URI, or a mongod binary named by MONGOMS_SYSTEM_BINARY
// started through mongodb-memory-server. Nothing is downloaded; without either, describeWithService says why and
// skips, and REQUIRE_MONGODB=1 (for a CI job with a mongod) makes that a failure instead.
import { MongoMemoryServer } from 'mongodb-memory-server-core';
import { serviceFound, serviceMissing, type ServiceSearch } from './required-service.js';

const MONGODB = { name: 'a MongoDB', requiredBy: 'REQUIRE_MONGODB' } as const;

export interface MongoTarget {
  /** A URI for a database of this name on the target server. */
  uriFor(databaseName: string): string;
  stop(): Promise<void>;
}

function withDatabase(uri: string, databaseName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?#]+)(?:\/[^?#]*)?(\?[^#]*)?$/.exec(uri);
  if (!match) throw new Error('MONGODB_URI is not a mongodb:// or mongodb+srv:// URI');
  return `${match[1] ?? ''}/${databaseName}${match[2] ?? ''}`;
}

export async function findMongoTarget(): Promise<ServiceSearch<MongoTarget>> {
  const uri = process.env.MONGODB_URI;
  if (uri !== undefined && uri !== '') {
    return serviceFound(MONGODB, {
      uriFor: (name) => withDatabase(uri, name),
      stop: () => Promise.resolve(),
    });
  }
  const binary = process.env.MONGOMS_SYSTEM_BINARY;
  if (binary === undefined || binary === '') {
    return serviceMissing(
      MONGODB,
      'neither MONGODB_URI nor MONGOMS_SYSTEM_BINARY is set (no mongod is installable on this machine)',
    );
  }
  const server = await MongoMemoryServer.create({ binary: { systemBinary: binary } });
  return serviceFound(MONGODB, {
    uriFor: (name) => withDatabase(server.getUri(), name),
    stop: async () => {
      await server.stop();
    },
  });
}
