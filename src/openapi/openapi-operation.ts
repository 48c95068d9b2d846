// One operation-table entry as an OpenAPI Operation Object: its security, parameters, body, and every answer it can
// give, errors grouped by status with the codes each status can carry, and the headers each answer carries.
import type { z } from 'zod';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors/error-catalogue.js';
import { ERROR_CODES } from '../errors/error-body.js';
import type { DocumentObject, Guard, Operation } from '../http/operation.js';
import { componentRef, requestJsonSchema, type JsonSchema } from './json-schema.js';
import { headerRef, type HeaderComponent } from './openapi-components.js';

export interface MediaTypeObject {
  schema: JsonSchema;
  example?: unknown;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, JsonSchema>;
  content: Record<string, MediaTypeObject>;
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: DocumentObject[];
  requestBody?: { required: boolean; content: Record<string, MediaTypeObject> };
  responses: Record<string, ResponseObject>;
}

export interface OperationContext {
  /** The component name of a response schema. */
  nameOf(schema: unknown): string;
}

const BODY_ERRORS: ErrorCode[] = ['MALFORMED_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

/** Every error code the operation can answer with, in catalogue order: its own and what its entry implies. */
export function errorCodesOf(operation: Operation): ErrorCode[] {
  const { request, limit, guard } = operation;
  // A body, parameters or a query are validated; without `anyQuery`, an undeclared query string is refused.
  const validated =
    request.body !== undefined ||
    request.params !== undefined ||
    request.query !== undefined ||
    operation.anyQuery !== true;
  const codes = new Set<ErrorCode>([
    ...operation.errors,
    ...(guard?.errors ?? []),
    ...(request.body ? BODY_ERRORS : []),
    ...(validated ? (['VALIDATION_ERROR'] as const) : []),
    // Express answers 400 for a path parameter that is not valid percent-encoding.
    ...(request.params ? (['BAD_REQUEST'] as const) : []),
    ...(limit ? (['TOO_MANY_REQUESTS'] as const) : []),
    ...(operation.plainHttp ? [] : (['HTTPS_REQUIRED'] as const)),
    'INTERNAL_ERROR',
    'SERVICE_UNAVAILABLE',
  ]);
  return ERROR_CODES.filter((code) => codes.has(code));
}

/** The headers an answer of this status carries, by name, as references to their components. */
function answerHeaders(operation: Operation, status: number): Record<string, JsonSchema> {
  const cached = operation.publicCache === true && (status === 200 || status === 304);
  const headers: HeaderComponent[] = cached
    ? ['RequestId', 'PublicCacheControl', 'ETag']
    : ['RequestId', 'CacheControl'];
  if (operation.limit) headers.push('RateLimit', 'RateLimitPolicy');
  if (status === 429 || status === 503) headers.push('RetryAfter');
  if (status === 401 && operation.guard?.challenges === true) headers.push('WwwAuthenticate');
  const entries = headers.map((component) => headerRef(component));
  for (const header of operation.headers ?? []) {
    entries.push([header.name, { $ref: `#/components/headers/${header.component}` }]);
  }
  return Object.fromEntries(entries);
}

/** Generated examples would show any code of the shared schema; this shows one the status really carries. */
const errorExample = ([code = 'INTERNAL_ERROR']: ErrorCode[]) => ({
  success: false,
  message: ERROR_CATALOGUE[code].message,
  error: code,
});

function errorResponses(operation: Operation): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(operation)) {
    const { status } = ERROR_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => {
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
          headers: answerHeaders(operation, status),
          content: { 'application/json': { schema, example: errorExample(codes) } },
        },
      ];
    }),
  );
}

function successResponse(
  operation: Operation,
  context: OperationContext,
): Record<string, ResponseObject> {
  const { success } = operation;
  const content: Record<string, MediaTypeObject> =
    'json' in success
      ? { 'application/json': { schema: componentRef(context.nameOf(success.json)) } }
      : Object.fromEntries(
          success.mediaTypes.map((type) => [type, { schema: { type: 'string' } }]),
        );
  const notModified: Record<string, ResponseObject> =
    operation.publicCache === true
      ? {
          '304': {
            description: 'Not Modified: `If-None-Match` names the current `ETag`. No body.',
            headers: answerHeaders(operation, 304),
            content: {},
          },
        }
      : {};
  return {
    [String(success.status)]: {
      description: success.description,
      headers: answerHeaders(operation, success.status),
      content,
    },
    ...notModified,
  };
}

/** Express's `:name` becomes OpenAPI's `{name}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

/** Whether the schema accepts its object without the property (an optional query parameter). */
const isOptional = (schema: z.ZodObject, name: string) =>
  (schema.shape as Record<string, z.ZodType | undefined>)[name]?.safeParse(undefined).success ===
  true;

function parameters(operation: Operation): DocumentObject[] {
  const { params, query } = operation.request;
  const inPart = (where: 'path' | 'query', schema: typeof params) =>
    schema
      ? Object.entries(requestJsonSchema(schema).properties as Record<string, JsonSchema>).map(
          ([name, property]) => ({
            name,
            in: where,
            required: where === 'path' || !isOptional(schema, name),
            schema: property,
          }),
        )
      : [];
  const guardHeaders = (operation.guard?.headers ?? []).map(({ component }) => ({
    $ref: `#/components/parameters/${component}`,
  }));
  return [...inPart('path', params), ...inPart('query', query), ...guardHeaders];
}

/** "per minute", "per 15 minutes", "per hour". */
export function describeWindow(windowMs: number): string {
  const minutes = windowMs / 60_000;
  if (minutes === 60) return 'per hour';
  if (minutes === 1) return 'per minute';
  return Number.isInteger(minutes) ? `per ${minutes} minutes` : `per ${windowMs / 1000} seconds`;
}

function rateLimitNote({ limit }: Operation): string | undefined {
  if (!limit) return undefined;
  return `Rate limit (\`${limit.name}\`): ${limit.limit} requests ${describeWindow(limit.windowMs)} per client IP.`;
}

/** The guard's scheme; for an optional guard also `{}`, OpenAPI's "or no credentials at all". */
const securityOf = (guard: Guard): Record<string, string[]>[] => [
  { [guard.scheme.name]: [] },
  ...(guard.optional === true ? [{}] : []),
];

export function toOperationObject(
  operation: Operation,
  context: OperationContext,
): OperationObject {
  const params = parameters(operation);
  const { body } = operation.request;
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description: [operation.description, rateLimitNote(operation)]
      .filter((paragraph) => paragraph !== undefined)
      .join('\n\n'),
    tags: [operation.tag],
    ...(operation.guard ? { security: securityOf(operation.guard) } : {}),
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
