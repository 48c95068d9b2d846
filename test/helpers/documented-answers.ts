// Holds an answer the API gave to what the API document says it answers: the status must be documented for the
// operation, the content type must be one it documents, the body must validate (ajv, JSON Schema 2020-12) against
// the documented schema, and the headers the API itself sets must be declared on that answer (the required ones
// present, each value valid). Answers no operation gives (404 for an unknown path, 405, and what the HTTP server
// answers before routing) must be the one error shape with a code of that status.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats, { type FormatName } from 'ajv-formats';
import { ERROR_CATALOGUE, type ErrorCode } from '../../src/errors/error-catalogue.js';
import type { OpenApiDocument } from '../../src/openapi/openapi-document.js';
import type { OperationObject, ResponseObject } from '../../src/openapi/openapi-operation.js';
import type { DocumentedApp } from './documented-apps.js';

/** Answered by the HTTP server before Express sees the request, so any request may get them. */
const ANY_REQUEST: ErrorCode[] = ['BAD_REQUEST', 'REQUEST_TIMEOUT', 'HEADERS_TOO_LARGE'];
/** Answered before routing, so also to a request no operation takes. */
const BEFORE_ROUTING: ErrorCode[] = ['HTTPS_REQUIRED', 'SERVICE_UNAVAILABLE', 'INTERNAL_ERROR'];
/**
 * Headers the API sets itself: present on an operation's answer, each must be declared there. (Security headers,
 * CORS and Content-* headers are described once, in the document's introduction.)
 */
const DECLARED_HEADERS = [
  'x-request-id',
  'cache-control',
  'set-cookie',
  'ratelimit',
  'ratelimit-policy',
  'retry-after',
  'www-authenticate',
];

export interface Exchange {
  method: string;
  /** The request path, without the query. */
  path: string;
  status: number;
  contentType: string | undefined;
  headers: Record<string, unknown>;
  body: unknown;
}

interface DocumentedPath {
  template: string;
  pattern: RegExp;
  operations: Record<string, OperationObject | undefined>;
}

/** Paths are matched exactly (case-sensitive, no trailing slash); a `{name}` is one segment. */
function pathPattern(template: string): RegExp {
  const segments = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${segments.join('[^/]+')}$`);
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

  constructor(private readonly document: OpenApiDocument) {
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
    const documented = this.paths.find(({ pattern }) => pattern.test(exchange.path));
    const method = exchange.method === 'HEAD' ? 'get' : exchange.method.toLowerCase();
    const operation = documented?.operations[method];
    if (operation) {
      const problem = this.checkOperationAnswer(operation, exchange);
      if (problem === undefined) return undefined;
      const byServer = ANY_REQUEST.find((known) => known === errorCodeOf(exchange.body));
      return byServer === undefined ? problem : this.checkErrorAnswer(exchange, ANY_REQUEST);
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
    const headerProblem = this.headerProblem(response, exchange.headers);
    if (headerProblem !== undefined) return headerProblem;
    const mediaTypes = Object.keys(response.content);
    // An answer documented without content (304) must come without one.
    if (mediaTypes.length === 0) {
      return exchange.contentType === undefined
        ? undefined
        : 'an answer documented without a body had one';
    }
    const mediaType = mediaTypes.find((type) => (exchange.contentType ?? '').startsWith(type));
    if (mediaType === undefined) {
      return `content type ${exchange.contentType ?? '(none)'} is not documented (${mediaTypes.join(', ')})`;
    }
    const media = response.content[mediaType];
    if (exchange.method === 'HEAD' || mediaType !== 'application/json' || !media) return undefined;
    return this.schemaProblem(media.schema, exchange.body);
  }

  /** Every API header the answer carries is declared on it, with a valid value; every required one is there. */
  private headerProblem(
    response: ResponseObject,
    headers: Record<string, unknown>,
  ): string | undefined {
    const declared = new Map(
      Object.entries(response.headers ?? {}).map(([name, reference]) => [
        name.toLowerCase(),
        this.resolveHeader(reference),
      ]),
    );
    for (const name of DECLARED_HEADERS) {
      const value = headers[name];
      const header = declared.get(name);
      if (value === undefined) {
        if (header?.required === true) return `the required header ${name} is missing`;
        continue;
      }
      if (!header) return `the header ${name} is not declared on this answer`;
      for (const single of Array.isArray(value) ? value : [value]) {
        const problem = this.schemaProblem(header.schema, single);
        if (problem !== undefined) return `the header ${name}: ${problem}`;
      }
    }
    return undefined;
  }

  private resolveHeader(reference: Record<string, unknown>): {
    required?: boolean;
    schema: object;
  } {
    const ref = reference.$ref;
    const name = typeof ref === 'string' ? ref.replace('#/components/headers/', '') : undefined;
    const header = (name === undefined ? reference : this.document.components.headers[name]) as
      { required?: boolean; schema: object } | undefined;
    if (!header)
      throw new Error(`the document refers to a header it does not define: ${String(ref)}`);
    return header;
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

  private schemaProblem(schema: object, value: unknown): string | undefined {
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
    if (validate(value)) return undefined;
    const errors = (validate.errors ?? []).map(
      ({ instancePath, message = '', params }) =>
        `value${instancePath} ${message} ${JSON.stringify(params)}`,
    );
    return `it does not match its documented schema: ${errors.join('; ')}`;
  }
}

const byConfiguration = new Map<string, DocumentedAnswers>();

/**
 * One checker per configuration the schemas, codes and headers depend on (budgets and other settings change
 * descriptions only): the refresh-token transport, and whether login requires a verified address (its 403
 * EMAIL_NOT_VERIFIED). Built from the first such app's document.
 */
export function documentedAnswersFor(app: DocumentedApp): DocumentedAnswers {
  const { refreshTokens, recovery } = app.config;
  const key = `${refreshTokens.transport}:${String(recovery.requireEmailVerification)}`;
  let answers = byConfiguration.get(key);
  if (!answers) {
    answers = new DocumentedAnswers(app.document());
    byConfiguration.set(key, answers);
  }
  return answers;
}
