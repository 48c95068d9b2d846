// A witness of what the app writes: wraps the ports it is given and records each call of a writing method that
// changed the store, as the port's own answer says ('created', true, 'rotated', a count above 0). API tests show
// with it that a refused request changed nothing, or what a request wrote, without reading any adapter's tables.
import type { MailOutbox } from '../../src/storage/ports/mail-outbox.js';
import type { MfaStore } from '../../src/storage/ports/mfa-store.js';
import type { OneTimeTokenStore } from '../../src/storage/ports/one-time-token-store.js';
import type { SessionStore } from '../../src/storage/ports/session-store.js';
import type { Stores } from '../../src/storage/ports/stores.js';
import type { UserStore } from '../../src/storage/ports/user-store.js';

interface Ports {
  users: UserStore;
  sessions: SessionStore;
  mailOutbox: MailOutbox;
  oneTimeTokens: OneTimeTokenStore;
  mfa: MfaStore;
}
type PortName = keyof Ports;
type Answer<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;

/**
 * Every method of every port: 'read', or how its answer tells that it changed the store. A method added to a port
 * does not compile here until it is given its entry.
 */
type WriteTable = {
  [P in PortName]: {
    [M in keyof Ports[P]]-?: 'read' | ((answer: Answer<Ports[P][M]>) => boolean);
  };
};

const WRITES: WriteTable = {
  users: {
    createUser: (created) => created.outcome === 'created',
    findLiveUserByEmail: 'read',
    findLiveUserById: 'read',
    softDeleteUser: (deleted) => deleted,
    updatePasswordHash: (updated) => updated,
    rehashPassword: (rehashed) => rehashed,
    markEmailVerified: (live) => live,
    changeEmail: (changed) => changed === 'changed',
  },
  sessions: {
    openSession: () => true,
    findLiveSession: 'read',
    findRefreshToken: 'read',
    // A graced replay writes its count.
    rotateRefreshToken: (rotation) =>
      rotation.outcome === 'rotated' || rotation.outcome === 'graced',
    findSession: 'read',
    revokeSession: (revoked) => revoked,
    revokeUserSessions: (ended) => ended > 0,
    listLiveSessions: 'read',
    listRevokedSessions: 'read',
    sweepExpired: (swept) => swept.refreshTokens > 0 || swept.sessions > 0,
  },
  mailOutbox: {
    enqueueMail: () => true,
    leaseDueMails: (leased) => leased.length > 0,
    markMailSent: (recorded) => recorded,
    markMailFailed: (recorded) => recorded,
    findMail: 'read',
    pendingMails: 'read',
    sweepFinishedMails: (swept) => swept > 0,
  },
  oneTimeTokens: {
    issueOneTimeToken: () => true,
    consumeOneTimeToken: (consumed) => consumed.outcome === 'consumed',
    findConsumableOneTimeToken: 'read',
    sweepExpiredOneTimeTokens: (swept) => swept > 0,
  },
  mfa: {
    savePendingFactor: (saved) => saved.outcome === 'saved',
    findFactor: 'read',
    activateFactor: (activated) => activated.outcome === 'activated',
    advanceTotpStep: (advanced) => advanced,
    resealSecret: (resealed) => resealed,
    deleteFactor: (deleted) => deleted,
    findRecoveryCode: 'read',
    useRecoveryCode: (used) => used,
    replaceRecoveryCodes: (replaced) => replaced,
    countUnusedRecoveryCodes: 'read',
    createChallenge: () => true,
    findLiveChallenge: 'read',
    recordChallengeFailure: (failure) => failure.outcome === 'counted',
    consumeChallenge: (consumed) => consumed,
    sweepExpiredMfa: (swept) => Object.values(swept).some((count) => count > 0),
  },
};

/** One call that changed the store, e.g. `{ method: 'sessions.revokeSession', args: [id, 'logout', now] }`. */
export interface StoreWrite {
  method: { [P in PortName]: `${P}.${keyof Ports[P] & string}` }[PortName];
  args: unknown[];
}

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

export class StoreWrites {
  private readonly writes: StoreWrite[] = [];

  /** The place in the record now, for `since`. */
  mark(): number {
    return this.writes.length;
  }

  /**
   * The calls after `mark` that changed the store, in the order they finished. A call that changed nothing (a
   * refused rotation, a revocation of an ended session) is not among them, nor one that failed.
   */
  since(mark: number): StoreWrite[] {
    return this.writes.slice(mark);
  }

  /** `stores` with every writing method of every port recorded here; reads pass straight through. */
  witness(stores: Stores): Stores {
    return {
      ...stores,
      users: this.wrap('users', stores.users),
      sessions: this.wrap('sessions', stores.sessions),
      mailOutbox: this.wrap('mailOutbox', stores.mailOutbox),
      oneTimeTokens: this.wrap('oneTimeTokens', stores.oneTimeTokens),
      mfa: this.wrap('mfa', stores.mfa),
    };
  }

  private wrap<P extends PortName>(port: P, target: Ports[P]): Ports[P] {
    const methods = target as unknown as Record<string, AnyMethod>;
    const table: Record<string, unknown> = WRITES[port];
    const wrapped: Record<string, AnyMethod> = {};
    for (const [name, entry] of Object.entries(table)) {
      const call = methods[name]?.bind(target);
      if (!call) throw new Error(`${port}.${name} is not a function of the store`);
      const changed = entry as 'read' | ((answer: unknown) => boolean);
      wrapped[name] =
        changed === 'read'
          ? call
          : async (...args) => {
              const answer = await call(...args);
              if (changed(answer)) {
                this.writes.push({ method: `${port}.${name}` as StoreWrite['method'], args });
              }
              return answer;
            };
    }
    return wrapped as unknown as Ports[P];
  }
}
