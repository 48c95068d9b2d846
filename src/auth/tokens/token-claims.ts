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
}

export interface RefreshTokenClaims extends RegisteredClaims {
  typ: 'refresh';
}

type Payload = Record<string, unknown>;

function hasRegisteredClaims(payload: Payload): boolean {
  return (
    typeof payload.sub === 'string' &&
    typeof payload.sid === 'string' &&
    typeof payload.jti === 'string' &&
    typeof payload.iat === 'number' &&
    typeof payload.exp === 'number'
  );
}

export function isAccessTokenClaims(payload: Payload): payload is Payload & AccessTokenClaims {
  return (
    payload.typ === 'access' &&
    (payload.role === 'user' || payload.role === 'admin') &&
    hasRegisteredClaims(payload)
  );
}

export function isRefreshTokenClaims(payload: Payload): payload is Payload & RefreshTokenClaims {
  return payload.typ === 'refresh' && hasRegisteredClaims(payload);
}
