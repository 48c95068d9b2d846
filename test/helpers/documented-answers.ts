// Holds an answer the API gave to what the API document says it answers: the status must be documented for the
// operation, the content type must match, and the body must validate (ajv, JSON Schema 2020-12) against the
// documented schema. Answers no operation gives (404 for an unknown path, 405, and what the HTTP server or the body
// parser answer before routing) must be the one error shape with a code of that status.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats, { type FormatName } from 'ajv-formats';
import type { Config } from '../../src/config/config.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors/error-catalogue.js';
import { buildOpenApiDocument, type OpenApiDocument } from '../../src/openapi/openapi-document.js';
import type { OperationObject } from '../../src/openapi/openapi-operation.js';

/** Not API answers, deliberately unchecked: the reference page and its assets, and the document itself. */
export const UNCHECKED_PATHS = [/^\/api\/docs(\/|$)/i, /^\/api\/openapi\.json\/?$/i];

/** Answered by the HTTP server or the body parser before routing, so any request may get them. */
const ANY_REQUEST: ErrorCode[] = [
  'BAD_REQUEST',
  'REQUEST_TIMEOUT',
  'HEADERS_TOO_LARGE',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];
/** Also answered before routing, to a request no operation takes. */
const BEFORE_ROUTING: ErrorCode[] = ['HTTPS_REQUIRED', 'SERVICE_UNAVAILABLE', 'INTERNAL_ERROR'];

export interface Exchange {
  method: string;
  /** The request path, without the query. */
  path: string;
  status: number;
  contentType: string | undefined;
  body: unknown;
}

interface DocumentedPath {
  template: string;
  pattern: RegExp;
  operations: Record<string, OperationObject | undefined>;
}

/** Express matches paths case-insensitively and ignores a trailing slash; a `{name}` is one segment. */
function pathPattern(template: string): RegExp {
  const segments = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${segments.join('[^/]+')}/?$`, 'i');
}

const errorCodeOf = (body: unknown): string | undefined =>
  typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string'
    ? body.error
    : undefined;

const COMPONENTS_ID = 'urn:auth-api:openapi';

export class DocumentedAnswers {
  private readonly ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    inlineRefs: false,
    validateSchema: false,
  });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly paths: DocumentedPath[];

  constructor(document: OpenApiDocument) {
    // Only the formats the document uses: adding all of ajv-formats' costs every test file time.
    const formats = new Set(
      [...JSON.stringify(document).matchAll(/"format":"([^"]+)"/g)].map(([, name]) => name),
    );
    addFormats.default(this.ajv, [...formats] as FormatName[]);
    // The component schemas are compiled once, as one schema of their own that every answer's schema refers to.
    this.ajv.addKeyword('components');
    this.ajv.addSchema({ $id: COMPONENTS_ID, components: document.components });
    this.paths = Object.entries(document.paths).map(([template, operations]) => ({
      template,
      pattern: pathPattern(template),
      operations,
    }));
  }

  /** What is wrong with the answer, or undefined when the document describes it. */
  problemWith(exchange: Exchange): string | undefined {
    if (exchange.method === 'OPTIONS') return undefined; // CORS preflights: answered by the cors middleware
    if (UNCHECKED_PATHS.some((pattern) => pattern.test(exchange.path))) return undefined;
    const documented = this.paths.find(({ pattern }) => pattern.test(exchange.path));
    const method = exchange.method === 'HEAD' ? 'get' : exchange.method.toLowerCase();
    const operation = documented?.operations[method];
    if (operation) {
      const problem = this.checkOperationAnswer(operation, exchange);
      const code = errorCodeOf(exchange.body);
      if (problem === undefined) return undefined;
      const beforeRouting = ANY_REQUEST.find((known) => known === code);
      return beforeRouting === undefined ? problem : this.checkErrorAnswer(exchange, ANY_REQUEST);
    }
    const unrouted: ErrorCode = documented ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND';
    return this.checkErrorAnswer(exchange, [...ANY_REQUEST, ...BEFORE_ROUTING, unrouted]);
  }

  private checkOperationAnswer(operation: OperationObject, exchange: Exchange): string | undefined {
    const response = operation.responses[String(exchange.status)];
    if (!response) {
      const documented = Object.keys(operation.responses).join(', ');
      return `${exchange.status} is not a documented status of ${operation.operationId} (documented: ${documented})`;
    }
    const [mediaType, media] = Object.entries(response.content)[0] ?? [];
    if (mediaType === undefined || media === undefined) return undefined;
    if (!(exchange.contentType ?? '').startsWith(mediaType)) {
      return `content type ${exchange.contentType ?? '(none)'} is not the documented ${mediaType}`;
    }
    if (exchange.method === 'HEAD' || mediaType !== 'application/json') return undefined;
    return this.schemaProblem(media.schema, exchange.body);
  }

  /** An answer no operation documents: the one error shape, with one of the allowed codes and its status. */
  private checkErrorAnswer(exchange: Exchange, allowed: ErrorCode[]): string | undefined {
    const statuses: number[] = allowed.map((code) => ERROR_CATALOGUE[code].status);
    if (!statuses.includes(exchange.status)) {
      return `${exchange.status} is not an answer the document allows here (allowed: ${allowed.join(', ')})`;
    }
    if (exchange.method === 'HEAD') return undefined;
    if (!(exchange.contentType ?? '').startsWith('application/json')) {
      return `content type ${exchange.contentType ?? '(none)'} is not application/json`;
    }
    const problem = this.schemaProblem({ $ref: '#/components/schemas/Error' }, exchange.body);
    if (problem !== undefined) return problem;
    const code = errorCodeOf(exchange.body) as ErrorCode;
    if (!allowed.includes(code)) return `${code} is not an answer the document allows here`;
    if (ERROR_CATALOGUE[code].status !== exchange.status) {
      return `${code} came with status ${exchange.status}, but the catalogue says ${ERROR_CATALOGUE[code].status}`;
    }
    return undefined;
  }

  private schemaProblem(schema: object, body: unknown): string | undefined {
    // Many operations share an answer's schema (the 500s, the 429s): each is compiled once.
    const pointed = JSON.stringify(schema).replaceAll(
      '"#/components/',
      `"${COMPONENTS_ID}#/components/`,
    );
    let validate = this.validators.get(pointed);
    if (!validate) {
      validate = this.ajv.compile(JSON.parse(pointed) as object);
      this.validators.set(pointed, validate);
    }
    if (validate(body)) return undefined;
    const errors = (validate.errors ?? []).map(
      ({ instancePath, message = '', params }) =>
        `body${instancePath} ${message} ${JSON.stringify(params)}`,
    );
    return `the body does not match its documented schema: ${errors.join('; ')}`;
  }
}

const byTransport = new Map<string, DocumentedAnswers>();

/** One checker per refresh-token transport (the only part of the configuration the schemas depend on). */
export function documentedAnswersFor(config: Config): DocumentedAnswers {
  const key = config.refreshTokens.transport;
  let answers = byTransport.get(key);
  if (!answers) {
    answers = new DocumentedAnswers(buildOpenApiDocument(config));
    byTransport.set(key, answers);
  }
  return answers;
}
