// The claims our two token types carry, and the checks that a verified payload really has them.
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
}

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
    hasRegisteredClaims(payload, pins)
  );
}

export function isRefreshTokenClaims(
  payload: Payload,
  pins: ClaimPins,
): payload is Payload & RefreshTokenClaims {
  return payload.typ === 'refresh' && hasRegisteredClaims(payload, pins);
}
