// Runs the storage contract against the MongoDB adapter over the wire, when a MongoDB-compatible server is found
// (test/helpers/mongo-target.ts: MONGODB_URI, a mongod or a ferretdb on PATH), and says which server it used. Each
// test's stores get a database of their own, dropped when they close.
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { openMongoStores } from '../../src/storage/mongo/mongo-connection.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import { LogCapture } from '../helpers/log-capture.js';
import { findMongoTarget, type MongoTarget } from '../helpers/mongo-target.js';
import { describeWithService } from '../helpers/required-service.js';
import { describeStoresContract } from '../contract/stores-contract.js';

async function openFreshStores(target: MongoTarget): Promise<Stores> {
  const uri = target.uriFor(`auth_contract_${randomUUID().replaceAll('-', '')}`);
  const logger = createLogger({ level: 'silent', destination: new LogCapture().stream });
  const stores = await openMongoStores(
    { uri, poolSize: 5, serverSelectionTimeoutMs: 5000, socketTimeoutMs: 10_000, autoIndex: true },
    logger,
  );
  return {
    ...stores,
    close: async () => {
      await stores.close();
      const admin = await mongoose.createConnection(uri).asPromise();
      await admin.dropDatabase();
      await admin.close();
    },
  };
}

const search = await findMongoTarget();
if (search.found) console.info(`MongoDB contract suite runs against ${search.service.description}`);

describeWithService('MongoDB contract suite', search, (mongo) => {
  afterAll(() => mongo().stop());
  // Every call of the model-based suites crosses the wire: 10 command sequences take about 20 s on FerretDB.
  describeStoresContract('mongo stores', () => openFreshStores(mongo()), { modelRuns: 10 });
});
