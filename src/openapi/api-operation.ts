// What the API document says about one operation. The route tables fill these in; the document builder turns them
// into OpenAPI. Request schemas are the very objects the controllers validate with, so the two cannot drift.
import type { z } from 'zod';
import type { ErrorCode } from '../errors/error-catalogue.js';
import type { RateLimitName } from '../http/rate-limits.js';

export type HttpMethod = 'get' | 'post' | 'delete';

/**
 * How a caller proves who it is: nothing, a Bearer access token, the refresh cookie (cookie mode's refresh and
 * logout, which also pass the CSRF check), or the metrics token.
 */
export type Credentials = 'none' | 'accessToken' | 'refreshCookie' | 'metricsToken';

export type Tag = 'Sign-in' | 'Account' | 'Operations';

export type SuccessAnswer =
  | { status: 200 | 201; description: string; json: z.ZodType }
  | { status: 200; description: string; text: 'text/plain' };

export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI path syntax: `/api/auth/sessions/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: Tag;
  credentials: Credentials;
  /** The per-IP limit this operation counts against: its answers carry RateLimit headers, and 429 past it. */
  rateLimit?: RateLimitName;
  /** Exactly the schema the controller validates the JSON body with. */
  body?: z.ZodType;
  /** Exactly the schema the controller validates the path parameters with. */
  params?: z.ZodObject;
  /** Answered over plain HTTP even where HTTPS is required (the probes). */
  probe?: boolean;
  /** In cookie mode the answer sets (or clears) the refresh cookie. */
  setsRefreshCookie?: boolean;
  success: SuccessAnswer;
  /**
   * The codes this operation's own handlers answer with. The builder adds what the rest implies: credentials,
   * a body (MALFORMED_JSON, 413, 415), a rate limit (429), HTTPS, and 500/503 everywhere.
   */
  errors: ErrorCode[];
}
