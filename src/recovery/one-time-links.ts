// The two ends of every mailed link: issuing a one-time token for an account and an address (which supersedes the
// account's older links of that purpose), and consuming one. A link is good only if it is of the purpose the route
// expects, unused, the newest of its kind and unexpired; which of these it failed is the caller's to hide.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type {
  OneTimeTokenPurpose,
  OneTimeTokenRecord,
  OneTimeTokenStore,
} from '../storage/ports/one-time-token-store.js';
import { hashOneTimeToken, isOneTimeTokenOf, newOneTimeToken } from './one-time-token.js';

export interface IssuedLink {
  /** The token for the link; it exists only in the mail from here on. */
  token: string;
  expiresAt: Date;
}

export interface OneTimeLinks {
  /** A new token of `purpose` for the account, mailed to `email`, good for `ttlSeconds`. */
  issue(
    purpose: OneTimeTokenPurpose,
    owner: { userId: string; email: string },
    ttlSeconds: number,
  ): Promise<IssuedLink>;
  /** The token's record if it is a live one of `purpose`, left unspent (a step must pass before it is consumed). */
  find(purpose: OneTimeTokenPurpose, token: string): Promise<OneTimeTokenRecord | undefined>;
  /** Consumes the token if it is a live one of `purpose` (atomic: one caller wins); undefined for any other. */
  consume(purpose: OneTimeTokenPurpose, token: string): Promise<OneTimeTokenRecord | undefined>;
}

export function createOneTimeLinks(deps: {
  oneTimeTokens: OneTimeTokenStore;
  clock: Clock;
}): OneTimeLinks {
  const { oneTimeTokens, clock } = deps;
  return {
    async issue(purpose, { userId, email }, ttlSeconds) {
      const createdAt = new Date(clock.now());
      const expiresAt = new Date(createdAt.getTime() + ttlSeconds * 1000);
      const { token, tokenHash } = newOneTimeToken(purpose);
      const record = { id: randomUUID(), purpose, userId, email, tokenHash };
      await oneTimeTokens.issueOneTimeToken({ ...record, createdAt, expiresAt }, createdAt);
      return { token, expiresAt };
    },

    async find(purpose, token) {
      if (!isOneTimeTokenOf(purpose, token)) return undefined;
      return oneTimeTokens.findConsumableOneTimeToken(
        hashOneTimeToken(token),
        purpose,
        new Date(clock.now()),
      );
    },

    async consume(purpose, token) {
      // A token of another shape is refused without a lookup.
      if (!isOneTimeTokenOf(purpose, token)) return undefined;
      const consumed = await oneTimeTokens.consumeOneTimeToken(
        hashOneTimeToken(token),
        purpose,
        new Date(clock.now()),
      );
      return consumed.outcome === 'consumed' ? consumed.token : undefined;
    },
  };
}
