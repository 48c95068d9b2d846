// The auth feature's per-IP rate limits: the budgets come from configuration (RATE_LIMIT_*), the windows are fixed
// here. Refresh and logout share one budget, since both take a refresh token; change-password and account deletion
// check a password, so they count against the login budget.
import type { Config } from '../config/config.js';
import type { RateLimit } from '../http/operation.js';
import { createRateLimits, type RateLimitDeps } from '../http/rate-limit.js';

const MINUTE = 60_000;

export const AUTH_RATE_LIMIT_WINDOWS_MS = {
  login: 15 * MINUTE,
  register: 60 * MINUTE,
  refresh: 15 * MINUTE,
  api: MINUTE,
} as const;

export type AuthRateLimits = Record<keyof typeof AUTH_RATE_LIMIT_WINDOWS_MS, RateLimit>;

export function createAuthRateLimits(
  budgets: Config['limits'],
  deps: RateLimitDeps,
): AuthRateLimits {
  const policy = (name: keyof typeof AUTH_RATE_LIMIT_WINDOWS_MS) => ({
    name,
    limit: budgets[name],
    windowMs: AUTH_RATE_LIMIT_WINDOWS_MS[name],
  });
  return createRateLimits(
    {
      login: policy('login'),
      register: policy('register'),
      refresh: policy('refresh'),
      api: policy('api'),
    },
    deps,
  );
}
