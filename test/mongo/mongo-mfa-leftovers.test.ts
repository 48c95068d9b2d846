// The Mongo MFA store changes recovery codes in steps (a check record, the new set, then the old set deleted), with
// no transaction, so a call can stop between them. These cases write, through another connection, the state such a
// call leaves, which a race only reaches by luck, and check the adapter's answers stay right and the sweep removes
// what is left: a set stored by a confirmation that never activated, and an old set a replacement never deleted.
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, expect, it, onTestFinished } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { openMongoStores } from '../../src/storage/mongo/mongo-connection.js';
import type {
  MfaRecoverySetCheckDocument,
  MfaRecoverySetDocument,
} from '../../src/storage/mongo/mongo-mfa-documents.js';
import { at } from '../contract/fixtures.js';
import { MINUTE, newPendingFactor, newRecoveryCodes } from '../contract/mfa-fixtures.js';
import { LogCapture } from '../helpers/log-capture.js';
import { findMongoTarget } from '../helpers/mongo-target.js';
import { describeWithService } from '../helpers/required-service.js';

const logger = createLogger({ level: 'silent', destination: new LogCapture().stream });
/** Past every check the adapter writes (it looks at a set 10 minutes after storing or superseding it). */
const LATER = at(60 * MINUTE);

describeWithService(
  'the Mongo MFA store after a call stopped half-way',
  await findMongoTarget(),
  (mongo) => {
    afterAll(() => mongo().stop());

    async function storesAndRawSets() {
      const uri = mongo().uriFor(`auth_mfa_${randomUUID().replaceAll('-', '')}`);
      const stores = await openMongoStores(
        {
          uri,
          poolSize: 4,
          serverSelectionTimeoutMs: 5000,
          socketTimeoutMs: 10_000,
          autoIndex: true,
        },
        logger,
      );
      const connection: Connection = await mongoose.createConnection(uri).asPromise();
      onTestFinished(async () => {
        await stores.close();
        await connection.dropDatabase();
        await connection.close();
      });
      return {
        mfa: stores.mfa,
        sets: connection.collection<MfaRecoverySetDocument>('mfa_recovery_sets'),
        checks: connection.collection<MfaRecoverySetCheckDocument>('mfa_recovery_set_checks'),
      };
    }

    it('when a confirmation stored its codes but never activated, then they are never usable and the sweep deletes them', async () => {
      const { mfa, sets, checks } = await storesAndRawSets();
      const factor = newPendingFactor();
      await mfa.savePendingFactor(factor);
      const stranded = newRecoveryCodes();
      const setId = randomUUID();
      await checks.insertOne({ _id: setId, userId: factor.userId, dueAt: at(11 * MINUTE) });
      await sets.insertOne({
        _id: setId,
        userId: factor.userId,
        factorId: randomUUID(),
        place: 0,
        createdAt: at(MINUTE),
        codes: stranded,
      });
      const { userId } = factor;
      const codes = newRecoveryCodes();
      await mfa.activateFactor(userId, factor.id, 1, codes, at(2 * MINUTE));

      expect(await mfa.findRecoveryCode(userId, stranded[0]?.lookupId ?? '')).toBeUndefined();
      expect(await mfa.useRecoveryCode(userId, stranded[0]?.lookupId ?? '', at(3 * MINUTE))).toBe(
        false,
      );

      const swept = await mfa.sweepExpiredMfa(LATER, 1000);

      expect(swept.recoveryCodes).toBe(stranded.length);
      expect(await sets.countDocuments({ _id: setId })).toBe(0);
      // The active factor's own set was due for its check too: it stays, and so do its codes.
      expect(await mfa.countUnusedRecoveryCodes(userId)).toBe(codes.length);
      expect(await checks.countDocuments({})).toBe(0);
      expect((await mfa.sweepExpiredMfa(LATER, 1000)).recoveryCodes).toBe(0);
    });

    it('when a replacement never deleted the old set, then its codes are unusable and the sweep deletes them (a whole set, even past a smaller limit)', async () => {
      const { mfa, sets, checks } = await storesAndRawSets();
      const factor = newPendingFactor();
      const first = newRecoveryCodes(4);
      await mfa.savePendingFactor(factor);
      await mfa.activateFactor(factor.userId, factor.id, 1, first, at(MINUTE));
      const current = await sets.findOne({ userId: factor.userId });
      if (!current) throw new Error('arrange: no set');
      // What the replacement leaves had it stopped right after inserting the set at the next place.
      await checks.updateOne(
        { _id: current._id },
        { $set: { userId: factor.userId, dueAt: at(12 * MINUTE) } },
        { upsert: true },
      );
      const second = newRecoveryCodes(4);
      await sets.insertOne({
        _id: randomUUID(),
        userId: factor.userId,
        factorId: factor.id,
        place: 1,
        createdAt: at(2 * MINUTE),
        codes: second,
      });

      expect(await mfa.findRecoveryCode(factor.userId, first[0]?.lookupId ?? '')).toBeUndefined();
      expect(await mfa.findRecoveryCode(factor.userId, second[0]?.lookupId ?? '')).toBeDefined();
      expect(await mfa.countUnusedRecoveryCodes(factor.userId)).toBe(4);

      expect((await mfa.sweepExpiredMfa(LATER, 3)).recoveryCodes).toBe(4);
      expect(await sets.countDocuments({ userId: factor.userId })).toBe(1);
      expect(await mfa.countUnusedRecoveryCodes(factor.userId)).toBe(4);
    });
  },
);
