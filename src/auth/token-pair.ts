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

export function toRefreshTokenRecord(
  refresh: IssuedRefreshToken,
  owner: { userId: string; sessionId: string },
  createdAt: Date,
): NewRefreshToken {
  return {
    id: refresh.jti,
    sessionId: owner.sessionId,
    userId: owner.userId,
    tokenHash: refresh.tokenHash,
    createdAt,
    expiresAt: refresh.expiresAt,
  };
}
