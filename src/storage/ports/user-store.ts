// The users port: accounts and their credentials, as the services need them. Adapters (sqlite, mongo) implement it;
// its contract suite is test/contract/user-store.contract.ts.

export type Role = 'user' | 'admin';

export interface UserRecord {
  id: string;
  /** Trimmed, NFC-normalized, lower-cased; unique among live (not deleted) accounts. */
  email: string;
  /** Whether the account has shown it receives mail at `email` (a link of a mail sent there was used). */
  emailVerified: boolean;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
  passwordChangedAt: Date;
  deletedAt: Date | null;
}

/**
 * An account as a signed-in session carries it: without its password hash, so no cache of sessions holds one and
 * every password confirmation reads the store (DESIGN section 3).
 */
export type SessionUser = Omit<UserRecord, 'passwordHash'>;

export function toSessionUser(user: UserRecord): SessionUser {
  const {
    id,
    email,
    emailVerified,
    name,
    role,
    createdAt,
    updatedAt,
    passwordChangedAt,
    deletedAt,
  } = user;
  return {
    id,
    email,
    emailVerified,
    name,
    role,
    createdAt,
    updatedAt,
    passwordChangedAt,
    deletedAt,
  };
}

/** A new account; unverified unless `emailVerified` says otherwise. */
export type NewUser = Pick<
  UserRecord,
  'id' | 'email' | 'name' | 'role' | 'passwordHash' | 'createdAt'
> &
  Partial<Pick<UserRecord, 'emailVerified'>>;

export type CreateUserOutcome =
  { outcome: 'created'; user: UserRecord } | { outcome: 'email-taken' };

export type ChangeEmailOutcome = 'changed' | 'email-taken' | 'unknown';

export interface UserStore {
  /**
   * Inserts the user. Atomic on the email: of two concurrent calls with one email (live accounts), exactly one
   * returns 'created' and the other 'email-taken'.
   */
  createUser(user: NewUser): Promise<CreateUserOutcome>;

  /** The account with this normalized email that is not deleted. */
  findLiveUserByEmail(email: string): Promise<UserRecord | undefined>;

  /** The account with this id, as it stands now, unless it is deleted (e.g. its address before a change). */
  findLiveUserById(userId: string): Promise<UserRecord | undefined>;

  /**
   * Soft-deletes the account (sets deletedAt). Its email becomes free to register again, and its sessions stop
   * being live. True when this call deleted it; false when it was already deleted or does not exist.
   */
  softDeleteUser(userId: string, now: Date): Promise<boolean>;

  /** Replaces a live account's password hash (and sets passwordChangedAt); false when there is no such account. */
  updatePasswordHash(userId: string, passwordHash: string, now: Date): Promise<boolean>;

  /**
   * Replaces the hash with a new hash of the same password (made at another bcrypt cost), only while the stored
   * hash is still `currentHash`: a re-hash never undoes a password change that landed before it. Leaves
   * passwordChangedAt alone. False when the hash has changed since or the account is gone.
   */
  rehashPassword(userId: string, currentHash: string, newHash: string, now: Date): Promise<boolean>;

  /**
   * Marks a live account's address verified. Idempotent: true for a live account whether or not it was verified
   * before (updatedAt moves only when it changes); false when there is no live account.
   */
  markEmailVerified(userId: string, now: Date): Promise<boolean>;

  /**
   * Moves a live account to `newEmail` (normalized), which counts as verified: the caller has shown the account
   * receives mail there. Atomic on the live-email uniqueness as createUser is: of concurrent changes and
   * registrations to one address, exactly one gets it and the others get 'email-taken'. Once it returns 'changed' the
   * old address is free to register. Moving to the address the account already has is 'changed' (and verifies it).
   * 'unknown' when there is no live account, also when the account is deleted while the change is under way.
   */
  changeEmail(userId: string, newEmail: string, now: Date): Promise<ChangeEmailOutcome>;
}
