// The claims our two token types carry, and the checks that a verified payload really has them.
import type { AuthenticationMethod } from '../../storage/ports/session-store.js';
import type { Role } from '../../storage/ports/user-store.js';

interface RegisteredClaims {
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
}

export interface AccessTokenClaims extends RegisteredClaims {
  typ: 'access';
  role: Role;
  /**
   * Whether the account's address was verified when the token was issued (a resource server's hint; refresh for a
   * newer answer). Absent only from tokens issued before the claim existed.
   */
  email_verified?: boolean;
  /** How the session's login was authenticated (RFC 8176): `["pwd"]`, or `["pwd","otp"]` with the second factor. */
  amr?: AuthenticationMethod[];
  /** The assurance level those methods reach (NIST SP 800-63B): `aal2` with a second factor, else `aal1`. */
  aal?: AssuranceLevel;
}

export type AssuranceLevel = 'aal1' | 'aal2';

/** The level a login's methods reach: a second factor beside the password is aal2. */
export const assuranceLevelOf = (amr: readonly AuthenticationMethod[]): AssuranceLevel =>
  amr.includes('otp') ? 'aal2' : 'aal1';

export interface RefreshTokenClaims extends RegisteredClaims {
  typ: 'refresh';
}

type Payload = Record<string, unknown>;

/** What a payload whose signature checked out must still show to be one of ours (DESIGN section 3). */
export interface ClaimPins {
  issuer: string;
  audience: string;
  /** The latest `iat` we believe, in epoch seconds: our clock plus the skew we allow between instances. */
  latestIssuedAt: number;
}

function hasRegisteredClaims(payload: Payload, pins: ClaimPins): boolean {
  return (
    typeof payload.sub === 'string' &&
    typeof payload.sid === 'string' &&
    typeof payload.jti === 'string' &&
    typeof payload.iat === 'number' &&
    payload.iat <= pins.latestIssuedAt &&
    typeof payload.exp === 'number' &&
    payload.iss === pins.issuer &&
    // Exactly our string: jsonwebtoken's audience option also passes an array that merely contains ours, i.e. a
    // token minted for several services at once, which none of them should take as its own.
    payload.aud === pins.audience
  );
}

export function isAccessTokenClaims(
  payload: Payload,
  pins: ClaimPins,
): payload is Payload & AccessTokenClaims {
  return (
    payload.typ === 'access' &&
    (payload.role === 'user' || payload.role === 'admin') &&
    // Not required: nothing here authorizes by it (the live session's user says whether the address is verified),
    // and a token issued just before the claim existed stays good for the rest of its short life.
    (payload.email_verified === undefined || typeof payload.email_verified === 'boolean') &&
    // Optional for the same reason; when present, each must be what we issue.
    (payload.amr === undefined ||
      (Array.isArray(payload.amr) &&
        payload.amr.every((method) => method === 'pwd' || method === 'otp'))) &&
    (payload.aal === undefined || payload.aal === 'aal1' || payload.aal === 'aal2') &&
    hasRegisteredClaims(payload, pins)
  );
}

export function isRefreshTokenClaims(
  payload: Payload,
  pins: ClaimPins,
): payload is Payload & RefreshTokenClaims {
  return payload.typ === 'refresh' && hasRegisteredClaims(payload, pins);
}
