// Issues and verifies the two JWTs. Verification pins algorithm, key id, issuer, audience (exactly our string) and
// token type, refuses an iat ahead of our clock, and says what happened ('valid' | 'expired' | 'invalid'); callers
// decide which error that is.
import { createHash, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config/config.js';
import type { AuthenticationMethod } from '../../storage/ports/session-store.js';
import type { Role } from '../../storage/ports/user-store.js';
import { secretAccessTokenKeys, type AccessTokenKeys } from '../../keys/access-token-keys.js';
import { createKeyRing } from '../../keys/secret-key-ring.js';
import { createVerifiedTokenCache } from './verified-token-cache.js';

type TokenKeys = Pick<AccessTokenKeys, 'algorithm' | 'signingKey' | 'verifyingKey'>;
import {
  assuranceLevelOf,
  isAccessTokenClaims,
  isRefreshTokenClaims,
  type AccessTokenClaims,
  type ClaimPins,
  type RefreshTokenClaims,
} from './token-claims.js';

export type Verification<Claims> =
  { status: 'valid'; claims: Claims } | { status: 'expired' } | { status: 'invalid' };

export interface IssuedAccessToken {
  token: string;
  expiresInSeconds: number;
}

export interface IssuedRefreshToken {
  token: string;
  jti: string;
  tokenHash: string;
  /** The instant it was issued; its `iat` is this in whole seconds, so the token can be signed again from it. */
  issuedAt: Date;
  expiresAt: Date;
  expiresInSeconds: number;
}

/** What the store keeps of a refresh token, from which the same token is signed again (the reuse grace). */
export interface StoredRefreshClaims {
  id: string;
  userId: string;
  sessionId: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface TokenService {
  /** An access token that expires after the configured lifetime, or at `notAfter` (the session's end) if sooner. */
  issueAccessToken(subject: {
    userId: string;
    role: Role;
    emailVerified: boolean;
    sessionId: string;
    /** How the session's login was authenticated: carried as `amr`, with the `aal` it reaches. */
    amr: readonly AuthenticationMethod[];
    notAfter: Date;
  }): IssuedAccessToken;
  /** A refresh token that expires after the configured lifetime, or at `notAfter` (the session's end) if sooner. */
  issueRefreshToken(subject: {
    userId: string;
    sessionId: string;
    notAfter: Date;
  }): IssuedRefreshToken;
  /**
   * The refresh token `stored` was issued as, byte for byte: HS256 is deterministic, so the same claims under the
   * same key sign to the same token. When the signing key has changed since, it comes out different, which the
   * caller sees by its hash.
   */
  reissueRefreshToken(stored: StoredRefreshClaims): IssuedRefreshToken;
  verifyAccessToken(token: string): Verification<AccessTokenClaims>;
  verifyRefreshToken(token: string): Verification<RefreshTokenClaims>;
}

/** ES256 access tokens whose verification is remembered: about 1 KiB each, so a few MiB at most. */
const VERIFIED_TOKENS_KEPT = 10_000;

/** Longer than any token we issue; anything bigger is refused before any parsing. */
const MAX_TOKEN_LENGTH = 2048;

/**
 * How far ahead of our clock a token's iat may be: instances' clocks differ by seconds, never by minutes. A token
 * issued further ahead came from a broken clock or was minted to look newer than it is, which would pass any later
 * "issued after" check (a password change, a revocation).
 */
const MAX_ISSUED_AHEAD_SECONDS = 60;

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** SHA-256 of a refresh token: what the store keeps and looks up instead of the token. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * `accessKeys`: what signs and verifies access tokens (HS256 with the access secret unless given: ES256 with the key
 * ring, DESIGN section 10). Refresh tokens are always HS256 with the refresh secret: the issuer is their only
 * audience, and the reuse grace relies on HS256 signing the same claims to the same token.
 */
export function createTokenService(
  jwtConfig: Config['jwt'],
  clock: Clock,
  accessKeys: AccessTokenKeys = secretAccessTokenKeys(jwtConfig),
): TokenService {
  const refreshRing = createKeyRing(jwtConfig.refreshSecret, jwtConfig.refreshSecretPrevious);
  const refreshKeys: TokenKeys = {
    algorithm: 'HS256',
    signingKey: () => refreshRing.signing,
    verifyingKey: (kid) => refreshRing.verifying.get(kid),
  };
  const { issuer, audience } = jwtConfig;
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  // ES256 verification costs several times an HMAC: remember what was verified (verified-token-cache.ts).
  const verifiedAccess =
    accessKeys.algorithm === 'ES256'
      ? createVerifiedTokenCache<AccessTokenClaims>(VERIFIED_TOKENS_KEPT)
      : undefined;

  const sign = (claims: object, keys: TokenKeys) => {
    const { kid, key } = keys.signingKey();
    return jwt.sign(claims, key, { algorithm: keys.algorithm, keyid: kid });
  };

  /** Signs refresh claims in one fixed shape and order: what makes a token signed again come out the same. */
  function signRefresh(
    { sub, sid, jti, iat, exp }: Pick<RefreshTokenClaims, 'sub' | 'sid' | 'jti' | 'iat' | 'exp'>,
    issuedAtMs: number,
  ): IssuedRefreshToken {
    const claims: RefreshTokenClaims = {
      sub,
      sid,
      jti,
      iat,
      exp,
      iss: issuer,
      aud: audience,
      typ: 'refresh',
    };
    const token = sign(claims, refreshKeys);
    return {
      token,
      jti,
      tokenHash: hashRefreshToken(token),
      issuedAt: new Date(issuedAtMs),
      expiresAt: new Date(exp * 1000),
      expiresInSeconds: exp - nowSeconds(),
    };
  }

  function verify<Claims>(
    token: string,
    keys: TokenKeys,
    isOurClaims: (
      payload: Record<string, unknown>,
      pins: ClaimPins,
    ) => payload is Record<string, unknown> & Claims,
  ): Verification<Claims> {
    if (token.length > MAX_TOKEN_LENGTH) return { status: 'invalid' };
    // The kid picks one of our own keys; the algorithm is pinned to the one that key is for, so a token cannot
    // choose how it is checked (an HS256 token "signed" with our public key, alg none, RS256, EdDSA: all invalid).
    const key = keys.verifyingKey(readKeyId(token) ?? '');
    if (key === undefined) return { status: 'invalid' };
    const now = nowSeconds();
    try {
      // exp and nbf are checked by jsonwebtoken, against our clock through clockTimestamp, never its own.
      const payload = jwt.verify(token, key, {
        algorithms: [keys.algorithm],
        issuer,
        audience,
        clockTimestamp: now,
      });
      if (typeof payload === 'string') return { status: 'invalid' };
      const pins = { issuer, audience, latestIssuedAt: now + MAX_ISSUED_AHEAD_SECONDS };
      return isOurClaims(payload, pins)
        ? { status: 'valid', claims: payload }
        : { status: 'invalid' };
    } catch (error) {
      // jsonwebtoken reports expiry only for a token whose signature it has already checked.
      return error instanceof jwt.TokenExpiredError ? { status: 'expired' } : { status: 'invalid' };
    }
  }

  return {
    issueAccessToken({ userId, role, emailVerified, sessionId, amr, notAfter }) {
      const iat = nowSeconds();
      const exp = Math.min(iat + jwtConfig.accessTtlSeconds, epochSeconds(notAfter));
      const claims: AccessTokenClaims = {
        sub: userId,
        role,
        sid: sessionId,
        jti: randomUUID(),
        iat,
        exp,
        iss: issuer,
        aud: audience,
        typ: 'access',
        email_verified: emailVerified,
        amr: [...amr],
        aal: assuranceLevelOf(amr),
      };
      return { token: sign(claims, accessKeys), expiresInSeconds: exp - iat };
    },

    issueRefreshToken({ userId, sessionId, notAfter }) {
      const issuedAt = clock.now();
      const iat = Math.floor(issuedAt / 1000);
      const exp = Math.min(iat + jwtConfig.refreshTtlSeconds, epochSeconds(notAfter));
      return signRefresh({ sub: userId, sid: sessionId, jti: randomUUID(), iat, exp }, issuedAt);
    },

    reissueRefreshToken({ id, userId, sessionId, createdAt, expiresAt }) {
      const iat = epochSeconds(createdAt);
      const claims = { sub: userId, sid: sessionId, jti: id, iat, exp: epochSeconds(expiresAt) };
      return signRefresh(claims, createdAt.getTime());
    },

    verifyAccessToken(token) {
      if (verifiedAccess === undefined) return verify(token, accessKeys, isAccessTokenClaims);
      const known = verifiedAccess.get(token, nowSeconds());
      // Only while the key that signed it still verifies: retiring a key ends its tokens here too.
      if (known !== undefined && accessKeys.verifyingKey(readKeyId(token) ?? '') !== undefined) {
        return { status: 'valid', claims: known };
      }
      const verification = verify(token, accessKeys, isAccessTokenClaims);
      if (verification.status === 'valid') verifiedAccess.remember(token, verification.claims);
      return verification;
    },

    verifyRefreshToken(token) {
      return verify(token, refreshKeys, isRefreshTokenClaims);
    },
  };
}

/** The `kid` from a JWT's header, or undefined when the header is not a JSON object with a string kid. */
function readKeyId(token: string): string | undefined {
  const headerPart = token.slice(0, token.indexOf('.'));
  if (headerPart === '') return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    if (typeof header !== 'object' || header === null) return undefined;
    const kid = (header as { kid?: unknown }).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}
