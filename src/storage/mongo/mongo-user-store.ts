// The users port on MongoDB through Mongoose. Live-email uniqueness is the unique email index: the one duplicate-key
// error on it becomes the 'email-taken' outcome (mongo-errors.ts).
import type { UserStore } from '../ports/user-store.js';
import { toUser, type UserDocument } from './mongo-documents.js';
import { isDuplicateEmail } from './mongo-errors.js';
import type { MongoModels } from './mongo-models.js';
import * as query from './mongo-queries.js';

export function createMongoUserStore({ users }: Pick<MongoModels, 'users'>): UserStore {
  return {
    async createUser(user) {
      const document: UserDocument = {
        _id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        passwordHash: user.passwordHash,
        createdAt: user.createdAt,
        updatedAt: user.createdAt,
        passwordChangedAt: user.createdAt,
        deletedAt: null,
      };
      try {
        await users.create(document);
      } catch (error) {
        if (isDuplicateEmail(error)) return { outcome: 'email-taken' };
        throw error;
      }
      return { outcome: 'created', user: toUser(document) };
    },

    async findLiveUserByEmail(email) {
      const document = await users.findOne(query.liveUserByEmail(email)).lean<UserDocument>();
      return document ? toUser(document) : undefined;
    },

    async softDeleteUser(userId, now) {
      const result = await users.updateOne(query.liveUserById(userId), query.softDeleteUser(now));
      return result.modifiedCount === 1;
    },

    async updatePasswordHash(userId, passwordHash, now) {
      const result = await users.updateOne(
        query.liveUserById(userId),
        query.setPasswordHash(passwordHash, now),
      );
      return result.modifiedCount === 1;
    },
  };
}
