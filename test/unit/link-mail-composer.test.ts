// Recovery's link-mail composer, as the outbox worker calls it, on real SQLite stores in memory and a fake clock:
// for each purpose, the account it mails and the link it mints (a live one-time token of that purpose, for that
// account and address, expiring with the mail), and each reason it has for sending nothing, minting nothing then.
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { Composition } from '../../src/mail/mail-composer.js';
import { createLinkMailComposer } from '../../src/recovery/link-mail-composer.js';
import type { LinkMailRequest } from '../../src/recovery/link-mail-request.js';
import { createOneTimeLinks } from '../../src/recovery/one-time-links.js';
import type { OneTimeTokenPurpose } from '../../src/storage/ports/one-time-token-store.js';
import { createSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { TEST_SECRETS } from '../helpers/test-app.js';

const LINK_PATHS: Record<OneTimeTokenPurpose, string> = {
  password_reset: '/reset-password',
  email_verify: '/verify-email',
  email_change: '/confirm-email-change',
};

function setUp() {
  const db = new Database(':memory:');
  const stores = createSqliteStores(db);
  onTestFinished(() => stores.close());
  const { config } = loadConfig({ NODE_ENV: 'test', ...TEST_SECRETS });
  const clock = new FakeClock();
  const composer = createLinkMailComposer({ config, stores, clock });
  const links = createOneTimeLinks({ oneTimeTokens: stores.oneTimeTokens, clock });
  const tokensIssued = () =>
    db.prepare<[], { count: number }>('SELECT count(*) AS count FROM one_time_tokens').get()?.count;

  async function account(email: string, options: { verified?: boolean; deleted?: boolean } = {}) {
    const id = randomUUID();
    const created = await stores.users.createUser({
      id,
      email,
      name: 'Composer Test',
      role: 'user',
      passwordHash: '$2b$04$notcomparedbyanythinghere0000000000000000000000000000',
      createdAt: new Date(clock.now()),
      emailVerified: options.verified ?? false,
    });
    if (created.outcome !== 'created') throw new Error(`arrange: ${email} ${created.outcome}`);
    if (options.deleted) await stores.users.softDeleteUser(id, new Date(clock.now()));
    return id;
  }

  const compose = (request: LinkMailRequest) => composer.compose(request);

  /** The token of the link in a composed mail, checked to be a live one of `purpose`, then consumed. */
  async function linkOf(composition: Composition, purpose: OneTimeTokenPurpose) {
    if (!('message' in composition))
      throw new Error(`nothing composed: ${composition.nothingToSend}`);
    const path = `${config.mail.appUrl}${LINK_PATHS[purpose]}#token=`;
    const token = composition.message.text.split(path)[1]?.split(/\s/)[0] ?? '';
    return links.consume(purpose, token);
  }

  return { config, clock, compose, account, linkOf, tokensIssued };
}

describe('the link-mail composer', () => {
  it('when a live account asks for a reset, then a reset mail to its address carries a live reset link that expires with the mail', async () => {
    const { compose, account, linkOf, clock, config } = setUp();
    const userId = await account('ada@example.com', { verified: true });

    const composed = await compose({
      purpose: 'password_reset',
      email: 'ada@example.com',
      cooledDown: false,
    });

    const ttlMs = config.recovery.passwordResetTtlSeconds * 1000;
    expect(composed).toMatchObject({
      message: { kind: 'password_reset', to: 'ada@example.com', subject: 'Reset your password' },
      notAfter: new Date(clock.now() + ttlMs),
      log: { purpose: 'password_reset', userId },
    });
    expect(await linkOf(composed, 'password_reset')).toMatchObject({
      userId,
      email: 'ada@example.com',
      expiresAt: new Date(clock.now() + ttlMs),
    });
  });

  it('when an unverified account asks for verification, then a verification mail carries a live link for it', async () => {
    const { compose, account, linkOf } = setUp();
    const userId = await account('new@example.com');

    const composed = await compose({
      purpose: 'email_verify',
      email: 'new@example.com',
      userId,
      cooledDown: false,
    });

    expect(composed).toMatchObject({
      message: { kind: 'email_verify', to: 'new@example.com' },
      log: { purpose: 'email_verify', userId },
    });
    expect(await linkOf(composed, 'email_verify')).toMatchObject({
      userId,
      email: 'new@example.com',
    });
  });

  it('when a live account asks to move to a free address, then the confirmation goes to the new address with a link for the account', async () => {
    const { compose, account, linkOf } = setUp();
    const userId = await account('old@example.com');

    const composed = await compose({
      purpose: 'email_change',
      email: 'moved@example.com',
      userId,
      cooledDown: false,
    });

    expect(composed).toMatchObject({
      message: { kind: 'email_change_confirm', to: 'moved@example.com' },
      log: { purpose: 'email_change', userId },
    });
    expect(await linkOf(composed, 'email_change')).toMatchObject({
      userId,
      email: 'moved@example.com',
    });
  });

  it('when one request is composed twice (a worker died before recording it), then the second link supersedes the first', async () => {
    const { compose, account, linkOf } = setUp();
    await account('twice@example.com');
    const request: LinkMailRequest = {
      purpose: 'password_reset',
      email: 'twice@example.com',
      cooledDown: false,
    };

    const first = await compose(request);
    const second = await compose(request);

    expect(await linkOf(first, 'password_reset')).toBeUndefined();
    expect(await linkOf(second, 'password_reset')).toBeDefined();
  });

  it.each<[string, (arrange: ReturnType<typeof setUp>) => Promise<LinkMailRequest>, string]>([
    [
      'a reset for an unknown address',
      () =>
        Promise.resolve({
          purpose: 'password_reset',
          email: 'nobody@example.com',
          cooledDown: false,
        }),
      'no_account',
    ],
    [
      "a reset for a deleted account's address",
      async ({ account }) => {
        await account('gone@example.com', { deleted: true });
        return { purpose: 'password_reset', email: 'gone@example.com', cooledDown: false };
      },
      'no_account',
    ],
    [
      'a reset for a cooled-down address',
      async ({ account }) => {
        await account('busy@example.com');
        return { purpose: 'password_reset', email: 'busy@example.com', cooledDown: true };
      },
      'cooled_down',
    ],
    [
      'a verification for an unknown address',
      () =>
        Promise.resolve({
          purpose: 'email_verify',
          email: 'nobody@example.com',
          cooledDown: false,
        }),
      'no_account',
    ],
    [
      'a verification for a verified address',
      async ({ account }) => {
        await account('done@example.com', { verified: true });
        return { purpose: 'email_verify', email: 'done@example.com', cooledDown: false };
      },
      'already_verified',
    ],
    [
      'a verification for an address that another account holds now',
      async ({ account }) => {
        await account('held@example.com');
        const userId = randomUUID();
        return { purpose: 'email_verify', email: 'held@example.com', userId, cooledDown: false };
      },
      'other_account',
    ],
    [
      'a verification for a cooled-down address',
      async ({ account }) => {
        const userId = await account('wait@example.com');
        return { purpose: 'email_verify', email: 'wait@example.com', userId, cooledDown: true };
      },
      'cooled_down',
    ],
    [
      'a change to a taken address',
      async ({ account }) => {
        const userId = await account('mover@example.com');
        await account('taken@example.com');
        return { purpose: 'email_change', email: 'taken@example.com', userId, cooledDown: false };
      },
      'address_taken',
    ],
    [
      'a change asked for by an account deleted since',
      async ({ account }) => {
        const userId = await account('leaver@example.com', { deleted: true });
        return { purpose: 'email_change', email: 'free@example.com', userId, cooledDown: false };
      },
      'no_account',
    ],
    [
      'a change naming no account',
      () =>
        Promise.resolve({ purpose: 'email_change', email: 'free@example.com', cooledDown: false }),
      'malformed_request',
    ],
  ])('when %s, then nothing is sent (%s) and no link is minted', async (_, arrange, reason) => {
    const arranged = setUp();
    const request = await arrange(arranged);

    const composed = await arranged.compose(request);

    expect(composed).toEqual({
      nothingToSend: reason,
      log: { purpose: request.purpose, ...(request.userId && { userId: request.userId }) },
    });
    expect(arranged.tokensIssued()).toBe(0);
  });

  it.each([
    ['an unknown purpose', { purpose: 'newsletter', email: 'a@example.com', cooledDown: false }],
    ['no cooldown flag', { purpose: 'password_reset', email: 'a@example.com' }],
    [
      'a field of its own',
      { purpose: 'password_reset', email: 'a@example.com', cooledDown: false, to: 'x' },
    ],
  ])('when the request has %s, then nothing is sent (malformed_request)', async (_, request) => {
    const { compose } = setUp();

    expect(await compose(request as LinkMailRequest)).toEqual({
      nothingToSend: 'malformed_request',
      log: { purpose: 'unknown' },
    });
  });
});
