// The users port on MongoDB through Mongoose. A live email is held by an insert-only claim (its `_id` is the email),
// so of concurrent registrations exactly one gets it; a deletion is an insert-only record, so nothing can undo it.
// Both hold on FerretDB, where a concurrent update of one document can be lost (mongo-documents.ts).
import type { UserStore } from '../ports/user-store.js';
import {
  toUser,
  type EmailClaimDocument,
  type UserDeletionDocument,
  type UserDocument,
} from './mongo-documents.js';
import { isDuplicateKey } from './mongo-errors.js';
import type { MongoModels } from './mongo-models.js';
import * as query from './mongo-queries.js';

export function createMongoUserStore(models: MongoModels): UserStore {
  const { users, emailClaims, userDeletions } = models;

  /** The account and whether it was deleted, read together. */
  async function accountOf(userId: string) {
    const [user, deletion] = await Promise.all([
      users.findOne(query.byId(userId)).lean<UserDocument>(),
      userDeletions.findOne(query.byId(userId)).lean<UserDeletionDocument>(),
    ]);
    return { user, deletion };
  }

  return {
    async createUser(user) {
      try {
        await emailClaims.create({ _id: user.email, userId: user.id, createdAt: user.createdAt });
      } catch (error) {
        if (isDuplicateKey(error, '_id')) return { outcome: 'email-taken' };
        throw error;
      }
      const document: UserDocument = {
        _id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        passwordHash: user.passwordHash,
        createdAt: user.createdAt,
        updatedAt: user.createdAt,
        passwordChangedAt: user.createdAt,
      };
      try {
        await users.create(document);
      } catch (error) {
        // Without a transaction, give the email back so neither exists.
        await emailClaims.deleteOne(query.ownedBy(user.email, user.id));
        throw error;
      }
      return { outcome: 'created', user: toUser(document) };
    },

    async findLiveUserByEmail(email) {
      const claim = await emailClaims.findOne(query.byId(email)).lean<EmailClaimDocument>();
      if (!claim) return undefined;
      const { user, deletion } = await accountOf(claim.userId);
      return user && !deletion ? toUser(user) : undefined;
    },

    async softDeleteUser(userId, now) {
      const { user } = await accountOf(userId);
      if (!user) return false;
      try {
        await userDeletions.create({ _id: userId, deletedAt: now });
      } catch (error) {
        if (isDuplicateKey(error, '_id')) return false;
        throw error;
      }
      // Only now is the email free to register again.
      await emailClaims.deleteOne(query.ownedBy(user.email, userId));
      return true;
    },

    async updatePasswordHash(userId, passwordHash, now) {
      const { user, deletion } = await accountOf(userId);
      if (!user || deletion) return false;
      await users.updateOne(query.byId(userId), query.setPasswordHash(passwordHash, now));
      return true;
    },

    async rehashPassword(userId, currentHash, newHash, now) {
      const { deletion } = await accountOf(userId);
      if (deletion) return false;
      // Conditional on the old hash: atomic on MongoDB; on FerretDB 1.24 a change racing it in the same instant
      // can still be lost, as with any two updates of one document (mongo-documents.ts).
      const result = await users.updateOne(
        query.withPasswordHash(userId, currentHash),
        query.setRehashedPassword(newHash, now),
      );
      return result.modifiedCount === 1;
    },
  };
}
