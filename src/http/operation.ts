// A route declared once: method, path, request schemas, rate limit, guard, answers and handler. The app mounts these
// entries on Express (mount-operations.ts) and the API document is rendered from the very same entries
// (src/openapi/), so the two cannot drift. Features build their tables of them; this module knows no feature.
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { ErrorCode } from '../errors/error-catalogue.js';

export type HttpMethod = 'get' | 'post' | 'delete';

/** A JSON Schema or OpenAPI object, as the document carries it. */
export type DocumentObject = Record<string, unknown>;

export interface RequestSchemas {
  /** The JSON body. An operation without one never reads a body. */
  body?: z.ZodType;
  /** Path parameters (`:id` in the path). */
  params?: z.ZodObject;
  /** Query parameters; without a schema a query string is refused, unless `anyQuery` is set. */
  query?: z.ZodObject;
}

export type ParsedRequest<S extends RequestSchemas> = {
  [Part in keyof S]: S[Part] extends z.ZodType ? z.output<S[Part]> : never;
};

/** A per-client rate limit: the step that counts, and what the document says of it. */
export interface RateLimit {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly check: RequestHandler;
}

/** A response header, as the document describes it (an OpenAPI Header Object without its name). */
export interface HeaderDescription {
  /** The component name it is listed under in the document, e.g. `SetRefreshCookie`. */
  component: string;
  /** The header's name on the wire, e.g. `Set-Cookie`. */
  name: string;
  description: string;
  schema: DocumentObject;
}

/** How a caller proves who it is on an operation: the step that checks it, and what the document says of it. */
export interface Guard {
  /** Runs before the body is read: refuses the request by throwing an AppError, or lets it through. */
  readonly check: RequestHandler;
  /** The OpenAPI security scheme the guard implements, under the name operations refer to it by. */
  readonly scheme: { readonly name: string; readonly definition: DocumentObject };
  /** The codes it refuses with. */
  readonly errors: readonly ErrorCode[];
  /** Whether its 401 answers carry a `WWW-Authenticate` challenge. */
  readonly challenges: boolean;
  /**
   * Whether a request without credentials passes, unauthenticated, for the handler to serve another way; credentials
   * that are sent are still checked. The document then offers anonymous access beside the scheme.
   */
  readonly optional?: boolean;
  /** Request headers it requires, as OpenAPI Parameter Objects (`in: 'header'`) listed under a component name. */
  readonly headers?: ReadonlyArray<{ component: string; parameter: DocumentObject }>;
}

export type SuccessAnswer =
  | { status: 200 | 201 | 202; description: string; json: z.ZodType }
  | { status: 200; description: string; mediaTypes: readonly [string, ...string[]] };

interface OperationFields {
  method: HttpMethod;
  /** Express path syntax, in full: `/api/auth/sessions/:id`. Matched case-sensitively, without a trailing slash. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Answered over plain HTTP even where HTTPS is required (the probes). */
  plainHttp?: boolean;
  /** A query string is ignored rather than refused (probes and the reference page, which tools may decorate). */
  anyQuery?: boolean;
  limit?: RateLimit;
  guard?: Guard;
  /** Steps after the guard and the body, before the handler (e.g. an HTML page's own security headers). */
  before?: readonly RequestHandler[];
  success: SuccessAnswer;
  /**
   * The codes the handler itself answers with. The rest is implied and added where the entry is mounted and
   * documented: the guard's codes, a body's (MALFORMED_JSON, 413, 415), validation, the limit's 429, HTTPS, 500, 503.
   */
  errors: readonly ErrorCode[];
  /** Headers this operation's answers may carry beyond those every answer has (e.g. the refresh cookie). */
  headers?: readonly HeaderDescription[];
  /**
   * Public data any cache may keep (the JWKS): its answers carry `Cache-Control: public, max-age=…` and an `ETag`
   * instead of `no-store`, and a GET whose If-None-Match holds that ETag is answered 304 with no body.
   */
  publicCache?: boolean;
}

export interface OperationSpec<S extends RequestSchemas> extends OperationFields {
  request: S;
  /** Called with the validated request; sends the answer (or throws an AppError). */
  handle(input: ParsedRequest<S>, req: Request, res: Response): unknown;
}

export type Operation = OperationSpec<RequestSchemas>;

/** An entry of an operation table, its handler typed by its own schemas. */
export function defineOperation<S extends RequestSchemas>(spec: OperationSpec<S>): Operation {
  return spec;
}

/** A feature's part of the API: its operations and what the document says about them as a group. */
export interface ApiSection {
  tags: ReadonlyArray<{ name: string; description: string }>;
  operations: readonly Operation[];
  /** Response schemas shared by several answers, named as document components (`PublicUser`). */
  schemaNames?: ReadonlyMap<z.ZodType, string>;
  /** Paragraphs for the document's introduction (what holds for the whole section in this configuration). */
  notes?: readonly string[];
}
