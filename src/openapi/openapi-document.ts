// The OpenAPI 3.1 document of the running configuration, generated from the route tables and the zod schemas the
// API validates and answers with. It describes the configured refresh-token transport only: a server accepts one,
// so a document offering both would describe requests this server refuses.
import type { z } from 'zod';
import {
  cookieTokenPairSchema,
  doneResponse,
  publicUserSchema,
  sessionSchema,
  tokenPairSchema,
} from '../auth/auth-responses.js';
import type { Config } from '../config/config.js';
import { errorBody, errorDetailSchema } from '../errors/error-body.js';
import { createRefreshTokenTransport } from '../auth/refresh-token-transport.js';
import type { ApiOperation } from './api-operation.js';
import { authOperations } from './auth-operations.js';
import { responseComponentSchemas, type JsonSchema } from './json-schema.js';
import { toOperationObject, type OperationObject } from './openapi-operation.js';
import { OPENAPI_COMPONENTS } from './openapi-components.js';
import { probeOperations } from './probe-operations.js';

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
    headers: Record<string, JsonSchema>;
    parameters: Record<string, JsonSchema>;
  };
}

/** Every operation the API serves under this configuration. */
export function documentedOperations(config: Config): ApiOperation[] {
  return [...probeOperations(), ...authOperations(createRefreshTokenTransport(config))];
}

const pascalCase = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Component names: the shared building blocks by name, each other answer after its operation. */
function componentNames(operations: ApiOperation[], cookieMode: boolean): Map<z.ZodType, string> {
  const names = new Map<z.ZodType, string>([
    [errorBody, 'Error'],
    [errorDetailSchema, 'ErrorDetail'],
    [publicUserSchema, 'PublicUser'],
    [sessionSchema, 'Session'],
    [cookieMode ? cookieTokenPairSchema : tokenPairSchema, 'TokenPair'],
    [doneResponse, 'DoneResponse'],
  ]);
  for (const { success, operationId } of operations) {
    if ('json' in success && !names.has(success.json)) {
      names.set(success.json, `${pascalCase(operationId)}Response`);
    }
  }
  return names;
}

/** The document's introduction: what holds for every operation, in this configuration. */
function introduction(config: Config): string {
  const transport = config.refreshTokens.transport;
  return [
    'Register, sign in with rotating refresh tokens, and manage sessions.',
    transport === 'cookie'
      ? 'This server runs in **cookie mode** (`REFRESH_TOKEN_TRANSPORT=cookie`): refresh tokens travel only in the ' +
        'HttpOnly `refresh_token` cookie, and refresh and logout also require an allowed `Origin` and ' +
        '`X-Requested-With: XMLHttpRequest`.'
      : 'This server runs in **body mode** (`REFRESH_TOKEN_TRANSPORT=body`): refresh tokens travel in JSON bodies.',
    'Success answers are `{success: true, message?, data}`; every error is the `Error` schema, whose `error` code ' +
      'always has the same status. Every answer carries `X-Request-Id` and `Cache-Control: no-store`.',
    `Bodies are JSON in UTF-8, uncompressed, at most ${config.http.bodyLimitBytes} bytes. Unknown fields and ` +
      'query parameters are refused with `400 VALIDATION_ERROR` naming them.',
    'Any request may also be answered before it reaches an operation: `400 BAD_REQUEST`, `408 REQUEST_TIMEOUT` ' +
      'or `431 HEADERS_TOO_LARGE` by the HTTP server; `400 MALFORMED_JSON`, `413 PAYLOAD_TOO_LARGE` or ' +
      '`415 UNSUPPORTED_MEDIA_TYPE` for a body that cannot be read; `404 NOT_FOUND` for an unknown path; ' +
      '`405 METHOD_NOT_ALLOWED` (with `Allow`) for a method a path does not serve.',
  ].join('\n\n');
}

export function buildOpenApiDocument(config: Config): OpenApiDocument {
  const cookieMode = config.refreshTokens.transport === 'cookie';
  const operations = documentedOperations(config);
  const names = componentNames(operations, cookieMode);
  const context = {
    cookieMode,
    limits: config.limits,
    nameOf: (schema: unknown) => {
      const name = names.get(schema as z.ZodType);
      if (name === undefined) throw new Error('a documented response schema has no component name');
      return name;
    },
  };

  const paths: OpenApiDocument['paths'] = {};
  for (const operation of operations) {
    paths[operation.path] = {
      ...paths[operation.path],
      [operation.method]: toOperationObject(operation, context),
    };
  }

  const { securitySchemes, headers, parameters } = OPENAPI_COMPONENTS;
  const { refreshCookie, ...alwaysSchemes } = securitySchemes;
  const { SetRefreshCookie, ...alwaysHeaders } = headers;
  return {
    openapi: '3.1.0',
    info: {
      title: 'auth-api',
      version: '1',
      description: introduction(config),
    },
    // Relative to where the document is served from: the API itself, whatever host or proxy is in front.
    servers: [{ url: '/', description: 'This server' }],
    tags: [
      { name: 'Sign-in', description: 'Accounts, sign-in and the refresh-token flow.' },
      { name: 'Account', description: "The signed-in user's own account (Bearer access token)." },
      { name: 'Operations', description: 'Probes and metrics for operators.' },
    ],
    paths,
    components: {
      schemas: responseComponentSchemas(names),
      securitySchemes: cookieMode ? { ...alwaysSchemes, refreshCookie } : alwaysSchemes,
      headers: cookieMode ? { ...alwaysHeaders, SetRefreshCookie } : alwaysHeaders,
      parameters: cookieMode ? parameters : {},
    },
  };
}
