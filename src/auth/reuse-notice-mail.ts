// The mail that tells an account's owner a refresh token of theirs came back after it had been replaced: someone
// may hold a copy of it. It says what we know (when, from where, the device), what we did, and where to look; it
// carries no link to follow, so it cannot be imitated into a phishing mail that works.
import type { MailMessage } from '../mail/mail-message.js';

export interface ReuseNoticeFacts {
  to: string;
  at: Date;
  /** The request that presented the old token. */
  ip: string | null;
  userAgent: string | null;
  /** Where and on what the session had signed in. */
  signedInFrom: { ip: string | null; userAgent: string | null };
  /** Whether every session of the account was ended (REUSE_REVOKES_ALL_SESSIONS), or only this one. */
  endedAll: boolean;
}

const shown = (value: string | null) => value ?? 'unknown';

export function reuseNoticeMail(facts: ReuseNoticeFacts, appUrl: string): MailMessage {
  const ended = facts.endedAll
    ? 'We signed out every device signed in to your account.'
    : 'We signed out the device this session belonged to; your other devices stay signed in.';
  return {
    kind: 'refresh_reuse_notice',
    to: facts.to,
    subject: 'We signed out a session of your account for your security',
    text:
      `At ${facts.at.toISOString()} a sign-in token of your account was used again after it had been ` +
      'replaced. That happens when a copy of it was taken from a device or a network, and rarely when an app ' +
      'misbehaves.\n\n' +
      `The old token came from IP address ${shown(facts.ip)} (${shown(facts.userAgent)}).\n` +
      `The session had signed in from ${shown(facts.signedInFrom.ip)} ` +
      `(${shown(facts.signedInFrom.userAgent)}).\n\n` +
      `${ended}\n\n` +
      `Sign in again at ${appUrl} and review the devices signed in to your account (the sessions list ` +
      'shows the ones signed out and why). If you do not recognise this, change your password.\n',
  };
}
