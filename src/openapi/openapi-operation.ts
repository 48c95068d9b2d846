// One ApiOperation as an OpenAPI Operation Object: its credentials, parameters, body, and every answer it can give,
// errors grouped by status with the codes each status can carry.
import type { Config } from '../config/config.js';
import { ERROR_CODES } from '../errors/error-body.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors/error-catalogue.js';
import { RATE_LIMIT_WINDOWS_MS } from '../http/rate-limits.js';
import type { ApiOperation, Credentials } from './api-operation.js';
import { componentRef, requestJsonSchema, type JsonSchema } from './json-schema.js';

export interface MediaTypeObject {
  schema: JsonSchema;
  example?: unknown;
}

export interface ResponseObject {
  description: string;
  headers?: JsonSchema;
  content: Record<string, MediaTypeObject>;
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: JsonSchema[];
  requestBody?: { required: boolean; content: Record<string, MediaTypeObject> };
  responses: Record<string, ResponseObject>;
}

export interface OperationContext {
  cookieMode: boolean;
  limits: Config['limits'];
  /** The component name of a response schema. */
  nameOf(schema: unknown): string;
}

const CREDENTIAL_ERRORS: Record<Credentials, ErrorCode[]> = {
  none: [],
  accessToken: ['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'SESSION_REVOKED'],
  refreshCookie: ['CSRF_CHECK_FAILED'],
  metricsToken: ['TOKEN_MISSING', 'TOKEN_INVALID'],
};
const BODY_ERRORS: ErrorCode[] = ['MALFORMED_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

const SECURITY_SCHEME_OF: Record<Exclude<Credentials, 'none'>, string> = {
  accessToken: 'bearerAuth',
  refreshCookie: 'refreshCookie',
  metricsToken: 'metricsToken',
};

/** Every error code the operation can answer with, in catalogue order. */
function errorCodesOf(operation: ApiOperation): ErrorCode[] {
  const codes = new Set<ErrorCode>([
    ...operation.errors,
    ...CREDENTIAL_ERRORS[operation.credentials],
    ...(operation.body ? BODY_ERRORS : []),
    ...(operation.rateLimit ? (['TOO_MANY_REQUESTS'] as const) : []),
    ...(operation.probe ? [] : (['HTTPS_REQUIRED'] as const)),
    'INTERNAL_ERROR',
    'SERVICE_UNAVAILABLE',
  ]);
  return ERROR_CODES.filter((code) => codes.has(code));
}

const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });

/** 429 says when to retry; 401 on a Bearer route carries the RFC 6750 challenge; 503 may say when to retry. */
function errorHeaders(status: number, challenged: boolean): JsonSchema | undefined {
  if (status === 429) {
    return {
      'Retry-After': headerRef('RetryAfter'),
      RateLimit: headerRef('RateLimit'),
      'RateLimit-Policy': headerRef('RateLimitPolicy'),
    };
  }
  if (status === 503) return { 'Retry-After': headerRef('RetryAfter') };
  if (status === 401 && challenged) return { 'WWW-Authenticate': headerRef('WwwAuthenticate') };
  return undefined;
}

/** Generated examples would show any code of the shared schema; this shows one the status really carries. */
const errorExample = ([code = 'INTERNAL_ERROR']: ErrorCode[]) => ({
  success: false,
  message: ERROR_CATALOGUE[code].message,
  error: code,
});

function errorResponses(operation: ApiOperation): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(operation)) {
    const { status } = ERROR_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const challenged =
    operation.credentials === 'accessToken' || operation.credentials === 'metricsToken';
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => {
      const headers = errorHeaders(status, challenged);
      const schema = {
        allOf: [
          componentRef('Error'),
          { type: 'object', properties: { error: { type: 'string', enum: codes } } },
        ],
      };
      return [
        String(status),
        {
          description: codes
            .map((code) => `\`${code}\`: ${ERROR_CATALOGUE[code].message}`)
            .join('\n\n'),
          ...(headers ? { headers } : {}),
          content: { 'application/json': { schema, example: errorExample(codes) } },
        },
      ];
    }),
  );
}

function successResponse(
  operation: ApiOperation,
  context: OperationContext,
): Record<string, ResponseObject> {
  const { success } = operation;
  const headers = {
    ...(operation.rateLimit
      ? { RateLimit: headerRef('RateLimit'), 'RateLimit-Policy': headerRef('RateLimitPolicy') }
      : {}),
    ...(context.cookieMode && operation.setsRefreshCookie
      ? { 'Set-Cookie': headerRef('SetRefreshCookie') }
      : {}),
  };
  const content: Record<string, MediaTypeObject> =
    'json' in success
      ? { 'application/json': { schema: componentRef(context.nameOf(success.json)) } }
      : { [success.text]: { schema: { type: 'string' } } };
  return {
    [String(success.status)]: {
      description: success.description,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content,
    },
  };
}

function parameters(operation: ApiOperation): JsonSchema[] {
  const pathParameters = operation.params
    ? Object.entries(
        requestJsonSchema(operation.params).properties as Record<string, JsonSchema>,
      ).map(([name, schema]) => ({ name, in: 'path', required: true, schema }))
    : [];
  const csrfHeader =
    operation.credentials === 'refreshCookie'
      ? [{ $ref: '#/components/parameters/XRequestedWith' }]
      : [];
  return [...pathParameters, ...csrfHeader];
}

function rateLimitNote(operation: ApiOperation, limits: Config['limits']): string | undefined {
  if (!operation.rateLimit) return undefined;
  const minutes = RATE_LIMIT_WINDOWS_MS[operation.rateLimit] / 60_000;
  return `Rate limit (\`${operation.rateLimit}\`): ${limits[operation.rateLimit]} requests per ${minutes} minutes per client IP.`;
}

export function toOperationObject(
  operation: ApiOperation,
  context: OperationContext,
): OperationObject {
  const params = parameters(operation);
  const { body } = operation;
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description: [operation.description, rateLimitNote(operation, context.limits)]
      .filter((paragraph) => paragraph !== undefined)
      .join('\n\n'),
    tags: [operation.tag],
    ...(operation.credentials === 'none'
      ? {}
      : { security: [{ [SECURITY_SCHEME_OF[operation.credentials]]: [] }] }),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body
      ? {
          requestBody: {
            // A request without a body is validated as `{}`: required unless `{}` is a valid body.
            required: !body.safeParse({}).success,
            content: { 'application/json': { schema: requestJsonSchema(body) } },
          },
        }
      : {}),
    responses: { ...successResponse(operation, context), ...errorResponses(operation) },
  };
}
