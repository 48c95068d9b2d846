// The access + refresh token pair a login or a refresh hands out, and the refresh record the store keeps for it.
import type { z } from 'zod';
import type { NewRefreshToken } from '../storage/ports/session-store.js';
import type { tokenPairSchema } from './auth-responses.js';
import type { IssuedAccessToken, IssuedRefreshToken } from './tokens/token-service.js';

/** Described once, by the response schema the API document is built from. */
export type TokenPair = z.output<typeof tokenPairSchema>;

export function toTokenPair(access: IssuedAccessToken, refresh: IssuedRefreshToken): TokenPair {
  return {
    accessToken: access.token,
    refreshToken: refresh.token,
    tokenType: 'Bearer',
    expiresIn: access.expiresInSeconds,
    refreshExpiresIn: refresh.expiresInSeconds,
  };
}

/** Stored with the very instant it was issued at, from which the grace signs the same token again. */
export function toRefreshTokenRecord(
  refresh: IssuedRefreshToken,
  owner: { userId: string; sessionId: string },
): NewRefreshToken {
  return {
    id: refresh.jti,
    sessionId: owner.sessionId,
    userId: owner.userId,
    tokenHash: refresh.tokenHash,
    createdAt: refresh.issuedAt,
    expiresAt: refresh.expiresAt,
  };
}
