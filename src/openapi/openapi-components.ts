// The parts of the API document that are the same for every operation: how callers authenticate, the headers
// answers carry, and cookie mode's CSRF header.
import { REFRESH_COOKIE } from '../auth/refresh-token-transport.js';

export const OPENAPI_COMPONENTS = {
  securitySchemes: {
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'The access token from login or refresh. It works only while its session is live.',
    },
    metricsToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'The value of METRICS_TOKEN.',
    },
    refreshCookie: {
      type: 'apiKey',
      in: 'cookie',
      name: REFRESH_COOKIE,
      description: 'The HttpOnly refresh-token cookie login and refresh set (cookie mode).',
    },
  },
  headers: {
    RetryAfter: {
      description: 'Seconds to wait before retrying.',
      schema: { type: 'string', pattern: '^\\d+$' },
    },
    RateLimit: {
      description: 'The remaining budget of the limit (IETF draft 8), e.g. `"login";r=19;t=900`.',
      schema: { type: 'string' },
    },
    RateLimitPolicy: {
      description: 'The limit itself (IETF draft 8), e.g. `"login";q=20;w=900;pk=:...:`.',
      schema: { type: 'string' },
    },
    WwwAuthenticate: {
      description:
        'The RFC 6750 challenge, e.g. `Bearer realm="auth-api", error="invalid_token", ...`.',
      schema: { type: 'string' },
    },
    SetRefreshCookie: {
      description: `Sets (or clears) the \`${REFRESH_COOKIE}\` cookie: HttpOnly, Path=/api/auth, SameSite as configured.`,
      schema: { type: 'string' },
    },
  },
  parameters: {
    XRequestedWith: {
      name: 'X-Requested-With',
      in: 'header',
      required: true,
      description:
        'Cookie mode CSRF defence: a cross-site form cannot send it. The `Origin` must also be allowed.',
      schema: { type: 'string', const: 'XMLHttpRequest' },
    },
  },
};
