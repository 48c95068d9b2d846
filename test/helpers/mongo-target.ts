// Finds a MongoDB-compatible server for the tests that need one, in this order: MONGODB_URI (CI starts FerretDB and
// sets it; point it at a real MongoDB to run the suite there), a mongod on PATH, a ferretdb on PATH (each started on a
// free loopback port with its data in a temporary folder). The suite prints which it used. Without any,
// describeWithService says why and skips; REQUIRE_MONGODB=1 (set by .ci/run) makes that a failure instead.
import { withoutCredentials } from '../../src/observability/redact-secrets.js';
import { findServerBinary, startMongoServer } from './mongo-server.js';
import { serviceFound, serviceMissing, type ServiceSearch } from './required-service.js';

const MONGODB = { name: 'a MongoDB-compatible server', requiredBy: 'REQUIRE_MONGODB' } as const;

export interface MongoTarget {
  /** Which server this is and where it came from, for the test output. */
  description: string;
  /** A URI for a database of this name on the target server. */
  uriFor(databaseName: string): string;
  stop(): Promise<void>;
}

export function withDatabase(uri: string, databaseName: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?#]+)(?:\/[^?#]*)?(\?[^#]*)?$/.exec(uri);
  if (!match) throw new Error('MONGODB_URI is not a mongodb:// or mongodb+srv:// URI');
  return `${match[1] ?? ''}/${databaseName}${match[2] ?? ''}`;
}

export async function findMongoTarget(): Promise<ServiceSearch<MongoTarget>> {
  const uri = process.env.MONGODB_URI;
  if (uri !== undefined && uri !== '') {
    return serviceFound(MONGODB, {
      description: `MONGODB_URI (${withoutCredentials(uri)})`,
      uriFor: (name) => withDatabase(uri, name),
      stop: () => Promise.resolve(),
    });
  }
  const binary = findServerBinary();
  if (!binary) {
    return serviceMissing(
      MONGODB,
      'MONGODB_URI is not set and neither mongod nor ferretdb is on PATH (.ci/run builds FerretDB; see docs/mongodb.md)',
    );
  }
  const server = await startMongoServer(binary);
  return serviceFound(MONGODB, {
    description: server.description,
    uriFor: (name) => withDatabase(server.uri, name),
    stop: () => server.remove(),
  });
}

/** A server the test itself starts and may stop and restart (outage drills): a mongod or a ferretdb on PATH. */
export function findStartableMongo(): ServiceSearch<{ kind: string; version: string }> {
  const binary = findServerBinary();
  return binary
    ? serviceFound(MONGODB, binary)
    : serviceMissing(MONGODB, 'neither mongod nor ferretdb is on PATH (.ci/run builds FerretDB)');
}
