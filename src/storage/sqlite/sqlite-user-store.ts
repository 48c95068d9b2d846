// The users port on better-sqlite3. The live-email uniqueness is the partial unique index of the schema: the one
// duplicate-key error these statements can meet (a registration's or an email change's) becomes 'email-taken'.
import type { Database } from 'better-sqlite3';
import type { UserStore } from '../ports/user-store.js';
import { toUser, type UserRow } from './rows.js';
import { isUniqueViolation } from './sqlite-errors.js';
import { STATEMENTS } from './statements.js';

export function createSqliteUserStore(db: Database): UserStore {
  const sql = {
    insertUser: db.prepare<[UserRow]>(STATEMENTS.insertUser),
    liveUserByEmail: db.prepare<[string], UserRow>(STATEMENTS.liveUserByEmail),
    liveUserById: db.prepare<[string], UserRow>(STATEMENTS.liveUserById),
    softDeleteUser: db.prepare<[number, number, string]>(STATEMENTS.softDeleteUser),
    updatePasswordHash: db.prepare<[string, number, number, string]>(STATEMENTS.updatePasswordHash),
    rehashPassword: db.prepare<[string, number, string, string]>(STATEMENTS.rehashPassword),
    markEmailVerified: db.prepare<[number, string]>(STATEMENTS.markEmailVerified),
    changeEmail: db.prepare<[string, number, string]>(STATEMENTS.changeEmail),
  };

  return {
    async createUser(user) {
      const at = user.createdAt.getTime();
      const row: UserRow = {
        id: user.id,
        email: user.email,
        email_verified: user.emailVerified === true ? 1 : 0,
        name: user.name,
        role: user.role,
        password_hash: user.passwordHash,
        created_at: at,
        updated_at: at,
        password_changed_at: at,
        deleted_at: null,
      };
      try {
        sql.insertUser.run(row);
      } catch (error) {
        if (isUniqueViolation(error)) return { outcome: 'email-taken' };
        throw error;
      }
      return { outcome: 'created', user: toUser(row) };
    },

    async findLiveUserByEmail(email) {
      const row = sql.liveUserByEmail.get(email);
      return row && toUser(row);
    },

    async findLiveUserById(userId) {
      const row = sql.liveUserById.get(userId);
      return row && toUser(row);
    },

    async softDeleteUser(userId, now) {
      return sql.softDeleteUser.run(now.getTime(), now.getTime(), userId).changes === 1;
    },

    async updatePasswordHash(userId, passwordHash, now) {
      const at = now.getTime();
      return sql.updatePasswordHash.run(passwordHash, at, at, userId).changes === 1;
    },

    async rehashPassword(userId, currentHash, newHash, now) {
      return sql.rehashPassword.run(newHash, now.getTime(), userId, currentHash).changes === 1;
    },

    async markEmailVerified(userId, now) {
      return sql.markEmailVerified.run(now.getTime(), userId).changes === 1;
    },

    async changeEmail(userId, newEmail, now) {
      try {
        return sql.changeEmail.run(newEmail, now.getTime(), userId).changes === 1
          ? 'changed'
          : 'unknown';
      } catch (error) {
        if (isUniqueViolation(error)) return 'email-taken';
        throw error;
      }
    },
  };
}
