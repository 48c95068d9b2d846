// The words of each recovery mail. Links come from APP_URL only (never a request's Host), and carry the token in the
// fragment, which browsers send to no server and put in no Referer.
import type { MailMessage } from '../mail/mail-message.js';

/** A notice (no link inside) stays worth sending for a week. */
export const NOTICE_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/** "30 minutes", "1 hour", "24 hours": how long a link works, in the words of its mail. */
function lifetimeText(seconds: number): string {
  const hours = seconds / 3600;
  if (Number.isInteger(hours)) return hours === 1 ? '1 hour' : `${String(hours)} hours`;
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? '1 minute' : `${String(minutes)} minutes`;
}

export function passwordResetMail(
  to: string,
  appUrl: string,
  token: string,
  ttlSeconds: number,
): MailMessage {
  const link = `${appUrl}/reset-password#token=${token}`;
  return {
    kind: 'password_reset',
    to,
    subject: 'Reset your password',
    text:
      `Someone asked to reset the password of the account with this address.\n\n` +
      `To choose a new password, open this link within ${lifetimeText(ttlSeconds)}:\n\n${link}\n\n` +
      'The link works once. If you did not ask for this, ignore this mail: your password stays as it is.\n',
  };
}

export function passwordChangedMail(to: string): MailMessage {
  return {
    kind: 'password_changed',
    to,
    subject: 'Your password was changed',
    text:
      'The password of the account with this address was just reset, and every device signed in to it was ' +
      'signed out.\n\nIf this was not you, reset your password again at once and check your mailbox for ' +
      'forwarding rules you did not make.\n',
  };
}

export function emailChangeMail(
  to: string,
  appUrl: string,
  token: string,
  ttlSeconds: number,
): MailMessage {
  const link = `${appUrl}/confirm-email-change#token=${token}`;
  return {
    kind: 'email_change_confirm',
    to,
    subject: 'Confirm your new email address',
    text:
      'Someone signed in to an account asked to move it to this address.\n\n' +
      `To confirm, open this link within ${lifetimeText(ttlSeconds)}:\n\n${link}\n\n` +
      'The link works once. If you did not ask for this, ignore this mail: nothing changes.\n',
  };
}

/** To the address an account just left: the owner learns of a change they may not have made. */
export function emailChangedMail(to: string, newEmail: string): MailMessage {
  return {
    kind: 'email_change_notice',
    to,
    subject: 'Your email address was changed',
    text:
      `The account that had this address now signs in with ${newEmail}, and every other device signed in ` +
      'to it was signed out. This address no longer receives its mail.\n\nIf this was not you, someone ' +
      'who knows your password has taken the account: contact support, and check this mailbox for ' +
      'forwarding rules you did not make.\n',
  };
}

export function verifyEmailMail(
  to: string,
  appUrl: string,
  token: string,
  ttlSeconds: number,
): MailMessage {
  const link = `${appUrl}/verify-email#token=${token}`;
  return {
    kind: 'email_verify',
    to,
    subject: 'Verify your email address',
    text:
      'An account was registered with this address.\n\n' +
      `To confirm the address is yours, open this link within ${lifetimeText(ttlSeconds)}:\n\n${link}\n\n` +
      'The link works once. If you did not register, ignore this mail.\n',
  };
}
