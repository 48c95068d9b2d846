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
