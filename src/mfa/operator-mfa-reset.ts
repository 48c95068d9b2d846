// An operator turning off an account's second factor, for an owner who lost both the app and the recovery codes and
// proved who they are some other way (support's call, not the API's). Everything the owner's own disable does
// happens too: the factor and its codes go, every session ends, the owner is mailed, and an audit line says an
// operator did it.
import type { Clock } from '../clock.js';
import type { MailQueue } from '../mail/mail-queue.js';
import type { AuditLog } from '../observability/audit-log.js';
import type { MfaStore } from '../storage/ports/mfa-store.js';
import type { SessionStore } from '../storage/ports/session-store.js';
import type { UserStore } from '../storage/ports/user-store.js';
import { MFA_NOTICE_LIFETIME_MS, mfaDisabledMail } from './mfa-mails.js';

export type OperatorResetOutcome =
  | { outcome: 'reset'; userId: string; sessionsEnded: number }
  | { outcome: 'no-account' }
  | { outcome: 'no-factor'; userId: string };

export interface OperatorMfaResetDeps {
  users: Pick<UserStore, 'findLiveUserByEmail'>;
  sessions: Pick<SessionStore, 'revokeUserSessions'>;
  mfa: Pick<MfaStore, 'deleteFactor'>;
  mail: MailQueue;
  clock: Clock;
  audit: AuditLog;
}

/** Turns off the second factor of the live account with this (normalized) email. */
export async function resetSecondFactor(
  email: string,
  deps: OperatorMfaResetDeps,
): Promise<OperatorResetOutcome> {
  const user = await deps.users.findLiveUserByEmail(email);
  if (!user) return { outcome: 'no-account' };
  if (!(await deps.mfa.deleteFactor(user.id))) return { outcome: 'no-factor', userId: user.id };
  const now = new Date(deps.clock.now());
  const sessionsEnded = await deps.sessions.revokeUserSessions(user.id, 'mfa_disabled', now);
  await deps.mail.queue(
    mfaDisabledMail(user.email),
    new Date(now.getTime() + MFA_NOTICE_LIFETIME_MS),
  );
  deps.audit.record('mfa.disabled', { userId: user.id, by: 'operator', sessionsEnded });
  return { outcome: 'reset', userId: user.id, sessionsEnded };
}
