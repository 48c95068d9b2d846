import { describe, expect, it } from 'vitest';
import { HOUR, at, newUser, type ContractHelpers } from './fixtures.js';

export function describeUserContract({ freshStore, createdUser, loggedIn }: ContractHelpers): void {
  describe('users', () => {
    it('when a user is created, then it is returned with Date fields and found by its exact email', async () => {
      const store = await freshStore();
      const input = newUser({ email: 'ada@example.com' });
      const result = await store.createUser(input);
      const expected = { ...input, updatedAt: at(0), passwordChangedAt: at(0), deletedAt: null };
      expect(result).toEqual({ outcome: 'created', user: expected });
      expect(await store.findLiveUserByEmail('ada@example.com')).toEqual(expected);
      expect(await store.findLiveUserByEmail('nobody@example.com')).toBeUndefined();
    });

    it('when a second user registers with a taken email, then it is refused and the first is unchanged', async () => {
      const store = await freshStore();
      const first = await createdUser(store, { email: 'taken@example.com', name: 'First' });
      const second = newUser({ email: 'taken@example.com', name: 'Second', role: 'admin' });
      expect(await store.createUser(second)).toEqual({ outcome: 'email-taken' });
      expect(await store.findLiveUserByEmail('taken@example.com')).toEqual(first);
    });

    it('when ten registrations with one email race, then exactly one is created', async () => {
      const store = await freshStore();
      const inputs = Array.from({ length: 10 }, () => newUser({ email: 'race@example.com' }));
      const results = await Promise.all(inputs.map((input) => store.createUser(input)));
      const created = results.filter((result) => result.outcome === 'created');
      expect(created).toHaveLength(1);
      expect(results.filter((result) => result.outcome === 'email-taken')).toHaveLength(9);
      expect(await store.findLiveUserByEmail('race@example.com')).toEqual(created[0]?.user);
    });

    it('when a user is soft-deleted, then it is no longer found, its sessions end, and its email can register again', async () => {
      const store = await freshStore();
      const { user, session } = await loggedIn(store);

      expect(await store.softDeleteUser(user.id, at(HOUR))).toBe(true);

      expect(await store.findLiveUserByEmail(user.email)).toBeUndefined();
      expect(await store.findLiveSession(session.id, at(HOUR))).toBeUndefined();
      expect(await store.softDeleteUser(user.id, at(2 * HOUR))).toBe(false);
      const again = await store.createUser(newUser({ email: user.email, createdAt: at(2 * HOUR) }));
      expect(again.outcome).toBe('created');
      expect((await store.findLiveUserByEmail(user.email))?.id).not.toBe(user.id);
    });

    it('when an unknown user is soft-deleted, then nothing happens', async () => {
      const store = await freshStore();
      const user = await createdUser(store);

      expect(await store.softDeleteUser(newUser().id, at(HOUR))).toBe(false);

      expect(await store.findLiveUserByEmail(user.email)).toEqual(user);
    });

    it("when a live user's password hash is replaced, then it is stored with passwordChangedAt; a deleted user's is not", async () => {
      const store = await freshStore();
      const user = await createdUser(store);
      const newHash = newUser().passwordHash;

      expect(await store.updatePasswordHash(user.id, newHash, at(HOUR))).toBe(true);

      expect(await store.findLiveUserByEmail(user.email)).toEqual({
        ...user,
        passwordHash: newHash,
        passwordChangedAt: at(HOUR),
        updatedAt: at(HOUR),
      });
      await store.softDeleteUser(user.id, at(2 * HOUR));
      expect(await store.updatePasswordHash(user.id, user.passwordHash, at(3 * HOUR))).toBe(false);
    });
  });
}
