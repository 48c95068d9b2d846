// The notices the second factor mails its owner: each change to it, a recovery code spent, and a lock after wrong
// codes (someone who knows the password is trying). None carries a code, a secret or a link.
import type { MailMessage } from '../mail/mail-message.js';

/** A notice stays worth sending for a week. */
export const MFA_NOTICE_LIFETIME_MS = 7 * 24 * 3600 * 1000;

const NOT_YOU =
  'If this was not you, someone knows your password: reset it at once, and check this mailbox for forwarding ' +
  'rules you did not make.\n';

export function mfaEnabledMail(to: string): MailMessage {
  return {
    kind: 'mfa_enabled',
    to,
    subject: 'Two-step sign-in is on',
    text:
      'Signing in to the account with this address now takes a code from your authenticator app after the ' +
      'password. Every other device signed in to it was signed out.\n\n' +
      'Keep the recovery codes you were shown somewhere safe: each one signs you in once if you lose the app.\n\n' +
      NOT_YOU,
  };
}

export function mfaDisabledMail(to: string): MailMessage {
  return {
    kind: 'mfa_disabled',
    to,
    subject: 'Two-step sign-in was turned off',
    text:
      'Signing in to the account with this address no longer asks for a code from your authenticator app, and ' +
      'every other device signed in to it was signed out.\n\n' +
      NOT_YOU,
  };
}

export function mfaLockedMail(to: string, minutes: number): MailMessage {
  return {
    kind: 'mfa_locked',
    to,
    subject: 'Too many wrong sign-in codes',
    text:
      'Wrong codes were entered again and again for the second step of signing in to the account with this ' +
      `address, after the right password. The second step is locked for up to ${String(minutes)} minutes.\n\n` +
      'If you were not signing in, your password is known to someone else: reset it now.\n',
  };
}

export function recoveryCodeUsedMail(to: string, remaining: number): MailMessage {
  return {
    kind: 'mfa_recovery_code_used',
    to,
    subject: 'A recovery code was used',
    text:
      `A recovery code was just used for the account with this address; ${String(remaining)} of them are ` +
      'left. If you lost your authenticator app, set up two-step sign-in again and make new codes.\n\n' +
      NOT_YOU,
  };
}

export function recoveryCodesRegeneratedMail(to: string): MailMessage {
  return {
    kind: 'mfa_recovery_codes_regenerated',
    to,
    subject: 'New recovery codes were made',
    text:
      'New recovery codes were made for the account with this address; the old ones no longer work.\n\n' +
      NOT_YOU,
  };
}
