// The users port's contract (src/storage/ports/user-store.ts), run against every adapter by stores-contract.ts.
import { describe, expect, it } from 'vitest';
import { HOUR, at, newUser, type ContractHelpers } from './fixtures.js';
import { describeEmailContract } from './user-email.contract.js';

export function describeUserStoreContract(helpers: ContractHelpers): void {
  const { freshStores, createdUser, loggedIn } = helpers;
  describe('users', () => {
    describeEmailContract(helpers);

    it('when a user is created, then it is returned with Date fields and found by its exact email', async () => {
      const stores = await freshStores();
      const input = newUser({ email: 'ada@example.com' });
      const result = await stores.users.createUser(input);
      const expected = {
        ...input,
        emailVerified: false,
        updatedAt: at(0),
        passwordChangedAt: at(0),
        deletedAt: null,
      };
      expect(result).toEqual({ outcome: 'created', user: expected });
      expect(await stores.users.findLiveUserByEmail('ada@example.com')).toEqual(expected);
      expect(await stores.users.findLiveUserByEmail('nobody@example.com')).toBeUndefined();
    });

    it('when a second user registers with a taken email, then it is refused and the first is unchanged', async () => {
      const stores = await freshStores();
      const first = await createdUser(stores, { email: 'taken@example.com', name: 'First' });
      const second = newUser({ email: 'taken@example.com', name: 'Second', role: 'admin' });
      expect(await stores.users.createUser(second)).toEqual({ outcome: 'email-taken' });
      expect(await stores.users.findLiveUserByEmail('taken@example.com')).toEqual(first);
    });

    it('when ten registrations with one email race, then exactly one is created', async () => {
      const stores = await freshStores();
      const inputs = Array.from({ length: 10 }, () => newUser({ email: 'race@example.com' }));
      const results = await Promise.all(inputs.map((input) => stores.users.createUser(input)));
      const created = results.filter((result) => result.outcome === 'created');
      expect(created).toHaveLength(1);
      expect(results.filter((result) => result.outcome === 'email-taken')).toHaveLength(9);
      expect(await stores.users.findLiveUserByEmail('race@example.com')).toEqual(created[0]?.user);
    });

    it('when a user is soft-deleted, then it is no longer found, its sessions end, and its email can register again', async () => {
      const stores = await freshStores();
      const { user, session } = await loggedIn(stores);

      expect(await stores.users.softDeleteUser(user.id, at(HOUR))).toBe(true);

      expect(await stores.users.findLiveUserByEmail(user.email)).toBeUndefined();
      expect(await stores.sessions.findLiveSession(session.id, at(HOUR))).toBeUndefined();
      expect(await stores.users.softDeleteUser(user.id, at(2 * HOUR))).toBe(false);
      const again = await stores.users.createUser(
        newUser({ email: user.email, createdAt: at(2 * HOUR) }),
      );
      expect(again.outcome).toBe('created');
      expect((await stores.users.findLiveUserByEmail(user.email))?.id).not.toBe(user.id);
    });

    it('when a user is looked up by id, then a live one is found as it stands now; a deleted or unknown one is not', async () => {
      const stores = await freshStores();
      const user = await createdUser(stores, { email: 'before@example.com' });
      const other = await createdUser(stores);
      await stores.users.changeEmail(user.id, 'after@example.com', at(HOUR));

      const found = await stores.users.findLiveUserById(user.id);
      await stores.users.softDeleteUser(other.id, at(HOUR));

      expect(found).toEqual(await stores.users.findLiveUserByEmail('after@example.com'));
      expect(found).toMatchObject({ id: user.id, email: 'after@example.com', emailVerified: true });
      expect(await stores.users.findLiveUserById(other.id)).toBeUndefined();
      expect(await stores.users.findLiveUserById(newUser().id)).toBeUndefined();
    });

    it('when an unknown user is soft-deleted, then nothing happens', async () => {
      const stores = await freshStores();
      const user = await createdUser(stores);

      expect(await stores.users.softDeleteUser(newUser().id, at(HOUR))).toBe(false);

      expect(await stores.users.findLiveUserByEmail(user.email)).toEqual(user);
    });

    it("when a live user's password hash is replaced, then it is stored with passwordChangedAt; a deleted user's is not", async () => {
      const stores = await freshStores();
      const user = await createdUser(stores);
      const newHash = newUser().passwordHash;

      expect(await stores.users.updatePasswordHash(user.id, newHash, at(HOUR))).toBe(true);

      expect(await stores.users.findLiveUserByEmail(user.email)).toEqual({
        ...user,
        passwordHash: newHash,
        passwordChangedAt: at(HOUR),
        updatedAt: at(HOUR),
      });
      await stores.users.softDeleteUser(user.id, at(2 * HOUR));
      expect(await stores.users.updatePasswordHash(user.id, user.passwordHash, at(3 * HOUR))).toBe(
        false,
      );
    });

    it('when a hash is re-hashed while it is current, then it is replaced and passwordChangedAt stays', async () => {
      const stores = await freshStores();
      const user = await createdUser(stores);
      const rehashed = newUser().passwordHash;

      expect(
        await stores.users.rehashPassword(user.id, user.passwordHash, rehashed, at(HOUR)),
      ).toBe(true);

      expect(await stores.users.findLiveUserByEmail(user.email)).toEqual({
        ...user,
        passwordHash: rehashed,
        updatedAt: at(HOUR),
      });
    });

    it('when the password changed after the hash was read, then a re-hash of the old one changes nothing', async () => {
      const stores = await freshStores();
      const user = await createdUser(stores);
      const changed = newUser().passwordHash;
      await stores.users.updatePasswordHash(user.id, changed, at(HOUR));

      expect(
        await stores.users.rehashPassword(
          user.id,
          user.passwordHash,
          'rehash-of-old',
          at(2 * HOUR),
        ),
      ).toBe(false);

      expect((await stores.users.findLiveUserByEmail(user.email))?.passwordHash).toBe(changed);
    });

    it('when an account is deleted, then a re-hash changes nothing', async () => {
      const stores = await freshStores();
      const user = await createdUser(stores);
      await stores.users.softDeleteUser(user.id, at(HOUR));

      expect(
        await stores.users.rehashPassword(user.id, user.passwordHash, 'rehashed', at(2 * HOUR)),
      ).toBe(false);
    });

    it('when ten re-hashes of one hash race, then the stored hash is one of theirs and at least one reports it', async () => {
      const stores = await freshStores();
      const user = await createdUser(stores);
      const candidates = Array.from({ length: 10 }, (_, index) => `rehash-${String(index)}`);

      const results = await Promise.all(
        candidates.map((hash) =>
          stores.users.rehashPassword(user.id, user.passwordHash, hash, at(HOUR)),
        ),
      );

      const stored = (await stores.users.findLiveUserByEmail(user.email))?.passwordHash;
      expect(candidates).toContain(stored);
      expect(results).toContain(true);
    });
  });
}
