// The users port on MongoDB through Mongoose. A live email is held by an insert-only claim (its `_id` is the email),
// so of concurrent registrations and email changes exactly one gets it; a deletion is an insert-only record, so
// nothing can undo it. Both hold on FerretDB, where a concurrent update of one document can be lost
// (mongo-documents.ts). A change of address claims the new one first, then points the account at it, then gives the
// old one back; anything that fails between gives back whichever claim the account does not point at.
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

  const addressOf = async (userId: string) =>
    (await users.findOne(query.byId(userId), { email: 1 }).lean<Pick<UserDocument, 'email'>>())
      ?.email;

  /** Gives back the account's claims on these addresses (those it holds; any others are left alone). */
  async function releaseClaims(userId: string, emails: Array<string | undefined>) {
    const distinct = [...new Set(emails)].filter((email) => email !== undefined);
    await Promise.all(distinct.map((email) => emailClaims.deleteOne(query.ownedBy(email, userId))));
  }

  /**
   * Claims `email` for the account; false when another account holds it. A claim the account holds already (its
   * own address, or one a failed change left behind) is its to use.
   */
  async function claim(email: string, userId: string, now: Date): Promise<boolean> {
    try {
      await emailClaims.create({ _id: email, userId, createdAt: now });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error, '_id')) throw error;
    }
    const holder = await emailClaims.findOne(query.byId(email)).lean<EmailClaimDocument>();
    return holder?.userId === userId;
  }

  /**
   * After a change failed past its claim: the update may have landed with only its answer lost, so the claim the
   * account points at is kept and the other given back. When even that cannot be read, both stay claimed (the account
   * can take the new one up again) rather than risk an account pointing at an address nobody holds.
   */
  async function settleFailedChange(userId: string, oldEmail: string, newEmail: string) {
    if (oldEmail === newEmail) return;
    try {
      const pointed = await addressOf(userId);
      await releaseClaims(userId, [pointed === newEmail ? oldEmail : newEmail]);
    } catch {
      // The change's own error is the one its caller hears about.
    }
  }

  /**
   * Points the account at `newEmail`, moving it from the address it had (conditional on that address, so on
   * MongoDB a change of the same account landing in between is moved from, not overwritten). Resolves to the address
   * it moved from, or undefined when the account is gone.
   */
  async function pointAt(userId: string, readEmail: string, newEmail: string, now: Date) {
    let from: string | undefined = readEmail;
    for (let attempt = 0; attempt < 3 && from !== undefined; attempt += 1) {
      const result = await users.updateOne(
        query.withEmail(userId, from),
        query.setEmail(newEmail, now),
      );
      if (result.matchedCount === 1) return from;
      from = await addressOf(userId);
    }
    if (from === undefined) return undefined;
    throw new Error('the account changed its address again on every try');
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
        emailVerified: user.emailVerified ?? false,
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

    async findLiveUserById(userId) {
      const { user, deletion } = await accountOf(userId);
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
      // Only now is the email free to register again. An address change that landed after the account was read has
      // moved it: the address read again now is given back too (changeEmail looks for the deletion after it lands).
      await releaseClaims(userId, [user.email, await addressOf(userId)]);
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

    async markEmailVerified(userId, now) {
      const { user, deletion } = await accountOf(userId);
      if (!user || deletion) return false;
      if (user.emailVerified === true) return true;
      // Conditional on the address read: an account that has moved since got a verified address with the move.
      await users.updateOne(query.withEmail(userId, user.email), query.setEmailVerified(now));
      return true;
    },

    async changeEmail(userId, newEmail, now) {
      const { user, deletion } = await accountOf(userId);
      if (!user || deletion) return 'unknown';
      if (!(await claim(newEmail, userId, now))) return 'email-taken';
      let movedFrom: string | undefined;
      try {
        movedFrom = await pointAt(userId, user.email, newEmail, now);
      } catch (error) {
        await settleFailedChange(userId, user.email, newEmail);
        throw error;
      }
      if (movedFrom === undefined) {
        await releaseClaims(userId, [newEmail]);
        return 'unknown';
      }
      if (movedFrom !== newEmail) await releaseClaims(userId, [movedFrom]);
      // A deletion that read the account before it pointed here gave back only the old address; one that lands
      // after this look reads the new one (softDeleteUser). Either way the new address is not left claimed.
      if ((await userDeletions.exists(query.byId(userId))) !== null) {
        await releaseClaims(userId, [newEmail]);
        return 'unknown';
      }
      return 'changed';
    },
  };
}
