// The response headers the HTTP layer puts on answers, whatever the operation: the request id and Cache-Control on
// every answer, the rate-limit headers on a limited operation's answers, Retry-After on 429 and 503, and the RFC 6750
// challenge on a guard's 401. Operations add their own (the refresh cookie) through their entries.

const HEADERS = {
  RequestId: {
    name: 'X-Request-Id',
    description:
      "The request's id: the caller's own `X-Request-Id` when well-formed, otherwise a new one. Logged with the request.",
    required: true,
    schema: { type: 'string' },
  },
  CacheControl: {
    name: 'Cache-Control',
    description: 'Always `no-store`: answers may carry tokens or personal data.',
    required: true,
    schema: { type: 'string', const: 'no-store' },
  },
  PublicCacheControl: {
    name: 'Cache-Control',
    description: 'Public data: `public, max-age=<seconds>`, for any cache to keep that long.',
    required: true,
    schema: { type: 'string', pattern: '^public, max-age=\\d+$' },
  },
  ETag: {
    name: 'ETag',
    description:
      'Names this version of the answer: send it back in `If-None-Match` and an unchanged answer is 304.',
    required: true,
    schema: { type: 'string' },
  },
  RetryAfter: {
    name: 'Retry-After',
    description: 'Seconds to wait before retrying.',
    schema: { type: 'string', pattern: '^\\d+$' },
  },
  RateLimit: {
    name: 'RateLimit',
    description: 'The remaining budget of the limit (IETF draft 8), e.g. `"login";r=19;t=900`.',
    schema: { type: 'string' },
  },
  RateLimitPolicy: {
    name: 'RateLimit-Policy',
    description: 'The limit itself (IETF draft 8), e.g. `"login";q=20;w=900;pk=:...:`.',
    schema: { type: 'string' },
  },
  WwwAuthenticate: {
    name: 'WWW-Authenticate',
    description:
      'The RFC 6750 challenge, e.g. `Bearer realm="auth-api", error="invalid_token", ...`.',
    schema: { type: 'string' },
  },
} as const;

export type HeaderComponent = keyof typeof HEADERS;

/** A Header Object: the description of a header without its name (the name is the key it is listed under). */
export function headerObject(header: {
  description: string;
  schema: object;
  required?: boolean;
}): Record<string, unknown> {
  return {
    description: header.description,
    ...(header.required === true ? { required: true } : {}),
    schema: header.schema,
  };
}

/** The header components every document lists. */
export function headerComponents(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(HEADERS).map(([component, header]) => [component, headerObject(header)]),
  );
}

/** `[header name, reference to its component]`, for a Response Object's `headers`. */
export function headerRef(component: HeaderComponent): [string, { $ref: string }] {
  return [HEADERS[component].name, { $ref: `#/components/headers/${component}` }];
}
