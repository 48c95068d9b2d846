// Runs the storage contract against the MongoDB adapter, when a MongoDB is available (see test/helpers/mongo-target.ts).
// Each test's stores get a database of their own, dropped when they close.
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { openMongoStores } from '../../src/storage/mongo/mongo-connection.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import { LogCapture } from '../helpers/log-capture.js';
import { findMongoTarget, REQUIRE_MONGODB, type MongoTarget } from '../helpers/mongo-target.js';
import { describeStoresContract } from './stores-contract.js';

const search = await findMongoTarget();

async function openFreshStores(target: MongoTarget): Promise<Stores> {
  const uri = target.uriFor(`auth_contract_${randomUUID().replaceAll('-', '')}`);
  const logger = createLogger({ level: 'silent', destination: new LogCapture().stream });
  const stores = await openMongoStores(
    { uri, poolSize: 5, serverSelectionTimeoutMs: 5000, socketTimeoutMs: 10_000 },
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

if (search.found) {
  const { target } = search;
  afterAll(() => target.stop());
  describeStoresContract('mongo stores', () => openFreshStores(target));
} else if (REQUIRE_MONGODB) {
  describe('mongo store', () => {
    it('when REQUIRE_MONGODB=1, then a MongoDB must be available', () => {
      expect.fail(`MongoDB is required here but ${search.reason}`);
    });
  });
} else {
  console.warn(`MongoDB contract suite NOT run: ${search.reason}.`);
  // Every contract case is listed as skipped, so the report shows exactly what was not checked.
  describe.skip(`not run: ${search.reason}`, () => {
    describeStoresContract('mongo stores', () => Promise.reject(new Error('skipped')));
  });
}
