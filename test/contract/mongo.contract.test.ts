// Runs the storage contract against the MongoDB adapter, when a MongoDB is available (see test/helpers/mongo-target.ts).
// Each store gets a database of its own, dropped when the store closes.
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { openMongoStore } from '../../src/storage/mongo/mongo-connection.js';
import type { AuthStore } from '../../src/storage/ports.js';
import { LogCapture } from '../helpers/log-capture.js';
import { findMongoTarget, REQUIRE_MONGODB, type MongoTarget } from '../helpers/mongo-target.js';
import { describeStoreContract } from './store-contract.js';

const search = await findMongoTarget();

async function openFreshStore(target: MongoTarget): Promise<AuthStore> {
  const uri = target.uriFor(`auth_contract_${randomUUID().replaceAll('-', '')}`);
  const logger = createLogger({ level: 'silent', destination: new LogCapture().stream });
  const store = await openMongoStore(
    { uri, poolSize: 5, serverSelectionTimeoutMs: 5000, socketTimeoutMs: 10_000 },
    logger,
  );
  return {
    ...store,
    close: async () => {
      await store.close();
      const admin = await mongoose.createConnection(uri).asPromise();
      await admin.dropDatabase();
      await admin.close();
    },
  };
}

if (search.found) {
  const { target } = search;
  afterAll(() => target.stop());
  describeStoreContract('mongo store', () => openFreshStore(target));
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
    describeStoreContract('mongo store', () => Promise.reject(new Error('skipped')));
  });
}
