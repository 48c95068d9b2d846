// Device tokens, after OWASP's device-cookie defence against brute force that locks owners out: a successful login
// hands the client an opaque value bound to the account, and failed logins that present a valid one count against
// that device alone, not against the account's untrusted clients. An attacker elsewhere can lock the untrusted
// bucket, never a device that signed in before. The token is an id and an HMAC over it and the account (nothing is
// stored): a token minted for one account is worthless for another.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'dvc_';
const SHAPE = /^dvc_([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{32})$/;

export interface DeviceTokens {
  /** A new device token for the account with this normalized email. */
  issue(email: string): string;
  /** The token of a device already known (its id from `deviceIdOf`): the one that device holds. */
  tokenOf(email: string, deviceId: string): string;
  /** The device id when `token` is a valid device token of this account; undefined otherwise. */
  deviceIdOf(token: string | undefined, email: string): string | undefined;
}

/** `secret` keys the HMAC; the key is derived from it, so the secret itself signs nothing else here. */
export function createDeviceTokens(secret: string): DeviceTokens {
  const key = createHmac('sha256', secret).update('auth-api device tokens').digest();
  const mac = (email: string, deviceId: string) =>
    createHmac('sha256', key)
      .update(createHash('sha256').update(email).digest())
      .update(deviceId)
      .digest('base64url')
      .slice(0, 32);

  const tokenOf = (email: string, deviceId: string) =>
    `${PREFIX}${deviceId}.${mac(email, deviceId)}`;
  return {
    issue: (email) => tokenOf(email, randomBytes(12).toString('base64url')),
    tokenOf,
    deviceIdOf(token, email) {
      const match = SHAPE.exec(token ?? '');
      if (!match) return undefined;
      const [, deviceId = '', given = ''] = match;
      const expected = mac(email, deviceId);
      return timingSafeEqual(Buffer.from(given), Buffer.from(expected)) ? deviceId : undefined;
    },
  };
}
