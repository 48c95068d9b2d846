// The users port's contract on an account's address (src/storage/ports/user-store.ts): verification, and changing
// the address atomically against every other claim on it (registrations, other accounts' changes, a deletion).
import { describe, expect, it } from 'vitest';
import { HOUR, at, newUser, type ContractHelpers } from './fixtures.js';

export function describeEmailContract({
  freshStores,
  createdUser,
  loggedIn,
}: ContractHelpers): void {
  describe('email verification', () => {
    it('when an account is created, then it is unverified unless created verified', async () => {
      const stores = await freshStores();
      const plain = await createdUser(stores);
      const verified = await createdUser(stores, { emailVerified: true });

      expect(plain.emailVerified).toBe(false);
      expect((await stores.users.findLiveUserByEmail(plain.email))?.emailVerified).toBe(false);
      expect(verified.emailVerified).toBe(true);
      expect((await stores.users.findLiveUserByEmail(verified.email))?.emailVerified).toBe(true);
    });

    it("when an address is marked verified, then the account and its sessions' user read verified, and a second mark changes nothing", async () => {
      const stores = await freshStores();
      const { user, session } = await loggedIn(stores);

      expect(await stores.users.markEmailVerified(user.id, at(HOUR))).toBe(true);
      expect(await stores.users.markEmailVerified(user.id, at(2 * HOUR))).toBe(true);

      expect(await stores.users.findLiveUserByEmail(user.email)).toEqual({
        ...user,
        emailVerified: true,
        updatedAt: at(HOUR),
      });
      const live = await stores.sessions.findLiveSession(session.id, at(2 * HOUR));
      expect(live?.user).toMatchObject({ id: user.id, emailVerified: true });
      expect(live?.user).not.toHaveProperty('passwordHash');
    });

    it('when the account is deleted or unknown, then marking it verified answers false', async () => {
      const stores = await freshStores();
      const user = await createdUser(stores);
      await stores.users.softDeleteUser(user.id, at(HOUR));

      expect(await stores.users.markEmailVerified(user.id, at(2 * HOUR))).toBe(false);
      expect(await stores.users.markEmailVerified(newUser().id, at(2 * HOUR))).toBe(false);
    });
  });

  describe('email change', () => {
    it('when a live account changes its address, then it is found verified by the new one only and the old one is free', async () => {
      const stores = await freshStores();
      const { user, session } = await loggedIn(stores);

      expect(await stores.users.changeEmail(user.id, 'new@example.com', at(HOUR))).toBe('changed');

      expect(await stores.users.findLiveUserByEmail('new@example.com')).toEqual({
        ...user,
        email: 'new@example.com',
        emailVerified: true,
        updatedAt: at(HOUR),
      });
      expect(await stores.users.findLiveUserByEmail(user.email)).toBeUndefined();
      expect((await stores.sessions.findLiveSession(session.id, at(HOUR)))?.user.email).toBe(
        'new@example.com',
      );
      const reuse = await stores.users.createUser(newUser({ email: user.email }));
      expect(reuse.outcome).toBe('created');
    });

    it('when the new address belongs to another live account, then it is taken and neither account changes', async () => {
      const stores = await freshStores();
      const mover = await createdUser(stores);
      const holder = await createdUser(stores);

      expect(await stores.users.changeEmail(mover.id, holder.email, at(HOUR))).toBe('email-taken');

      expect(await stores.users.findLiveUserByEmail(mover.email)).toEqual(mover);
      expect(await stores.users.findLiveUserByEmail(holder.email)).toEqual(holder);
    });

    it('when the new address belonged to a deleted account, then the change gets it', async () => {
      const stores = await freshStores();
      const gone = await createdUser(stores);
      await stores.users.softDeleteUser(gone.id, at(HOUR));
      const mover = await createdUser(stores);

      expect(await stores.users.changeEmail(mover.id, gone.email, at(2 * HOUR))).toBe('changed');
      expect((await stores.users.findLiveUserByEmail(gone.email))?.id).toBe(mover.id);
    });

    it('when an account changes to the address it has, then it is changed and verified', async () => {
      const stores = await freshStores();
      const user = await createdUser(stores);

      expect(await stores.users.changeEmail(user.id, user.email, at(HOUR))).toBe('changed');

      expect(await stores.users.findLiveUserByEmail(user.email)).toEqual({
        ...user,
        emailVerified: true,
        updatedAt: at(HOUR),
      });
    });

    it('when a deleted or unknown account changes its address, then it is unknown and the address stays free', async () => {
      const stores = await freshStores();
      const user = await createdUser(stores);
      await stores.users.softDeleteUser(user.id, at(HOUR));

      expect(await stores.users.changeEmail(user.id, 'wanted@example.com', at(2 * HOUR))).toBe(
        'unknown',
      );
      expect(await stores.users.changeEmail(newUser().id, 'wanted@example.com', at(2 * HOUR))).toBe(
        'unknown',
      );

      expect(await stores.users.findLiveUserByEmail('wanted@example.com')).toBeUndefined();
      const registered = await stores.users.createUser(newUser({ email: 'wanted@example.com' }));
      expect(registered.outcome).toBe('created');
    });

    it('when an account changes its address twice, then only the last is its own and the ones before are free', async () => {
      const stores = await freshStores();
      const user = await createdUser(stores);
      await stores.users.changeEmail(user.id, 'second@example.com', at(HOUR));
      await stores.users.changeEmail(user.id, 'third@example.com', at(2 * HOUR));

      expect((await stores.users.findLiveUserByEmail('third@example.com'))?.id).toBe(user.id);
      for (const email of [user.email, 'second@example.com']) {
        expect(await stores.users.findLiveUserByEmail(email)).toBeUndefined();
        expect((await stores.users.createUser(newUser({ email }))).outcome).toBe('created');
      }
    });

    it('when five changes and five registrations race for one address, then exactly one gets it and the others keep theirs', async () => {
      const stores = await freshStores();
      const movers = await Promise.all(Array.from({ length: 5 }, () => createdUser(stores)));
      const registrations = Array.from({ length: 5 }, () =>
        newUser({ email: 'contested@example.com', createdAt: at(HOUR) }),
      );

      const [changes, created] = await Promise.all([
        Promise.all(
          movers.map((mover) =>
            stores.users.changeEmail(mover.id, 'contested@example.com', at(HOUR)),
          ),
        ),
        Promise.all(registrations.map((input) => stores.users.createUser(input))),
      ]);

      const winners = [
        ...movers.filter((_, index) => changes[index] === 'changed').map((mover) => mover.id),
        ...registrations
          .filter((_, index) => created[index]?.outcome === 'created')
          .map((input) => input.id),
      ];
      expect(winners).toHaveLength(1);
      for (const outcome of changes) expect(['changed', 'email-taken']).toContain(outcome);
      expect((await stores.users.findLiveUserByEmail('contested@example.com'))?.id).toBe(
        winners[0],
      );
      for (const [index, mover] of movers.entries()) {
        const byOldAddress = await stores.users.findLiveUserByEmail(mover.email);
        expect(byOldAddress?.id).toBe(changes[index] === 'changed' ? undefined : mover.id);
      }
    });

    it('when a change races the deletion of its account, then afterwards both addresses are free', async () => {
      const stores = await freshStores();
      const users = await Promise.all(Array.from({ length: 5 }, () => createdUser(stores)));

      await Promise.all(
        users.flatMap((user, index) => [
          stores.users.changeEmail(user.id, `moved-${String(index)}@example.com`, at(HOUR)),
          stores.users.softDeleteUser(user.id, at(HOUR)),
        ]),
      );

      for (const [index, user] of users.entries()) {
        for (const email of [user.email, `moved-${String(index)}@example.com`]) {
          expect(await stores.users.findLiveUserByEmail(email)).toBeUndefined();
          expect((await stores.users.createUser(newUser({ email }))).outcome).toBe('created');
        }
      }
    });
  });
}
