// The OpenAPI 3.1 document of the running configuration, rendered from the features' operation tables and the zod
// schemas they validate and answer with. It describes what this server does under its configuration only (e.g. one
// refresh-token transport): a document offering more would describe requests this server refuses.
import type { z } from 'zod';
import type { Config } from '../config/config.js';
import { errorBody, errorDetailSchema } from '../errors/error-body.js';
import type { ApiSection, DocumentObject, Operation } from '../http/operation.js';
import { responseComponentSchemas, type JsonSchema } from './json-schema.js';
import { headerComponents, headerObject } from './openapi-components.js';
import { openApiPath, toOperationObject, type OperationObject } from './openapi-operation.js';

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, DocumentObject>;
    headers: Record<string, DocumentObject>;
    parameters: Record<string, DocumentObject>;
  };
}

const pascalCase = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Component names: the shared building blocks by name, each other answer after its operation. */
function componentNames(sections: readonly ApiSection[]): Map<z.ZodType, string> {
  const names = new Map<z.ZodType, string>([
    [errorBody, 'Error'],
    [errorDetailSchema, 'ErrorDetail'],
  ]);
  for (const section of sections) {
    for (const [schema, name] of section.schemaNames ?? []) names.set(schema, name);
  }
  for (const { success, operationId } of sections.flatMap((section) => section.operations)) {
    if ('json' in success && !names.has(success.json)) {
      names.set(success.json, `${pascalCase(operationId)}Response`);
    }
  }
  return names;
}

/** The document's introduction: what holds for every operation, in this configuration. */
function introduction(config: Config, sections: readonly ApiSection[]): string {
  return [
    'Register, sign in with rotating refresh tokens, and manage sessions.',
    ...sections.flatMap((section) => section.notes ?? []),
    'Success answers are `{success: true, message?, data}`; every error is the `Error` schema, whose `error` code ' +
      'always has the same status. Every answer carries `X-Request-Id` and `Cache-Control: no-store`, and the ' +
      'security headers OWASP names for APIs (a CSP that lets nothing load, nosniff, `X-Frame-Options: DENY`; HSTS ' +
      'over HTTPS).',
    `Bodies are JSON in UTF-8, uncompressed, at most ${config.http.bodyLimitBytes} bytes; an operation without a ` +
      'body ignores one. Unknown fields and query parameters are refused with `400 VALIDATION_ERROR` naming them. ' +
      'Paths are matched exactly: case-sensitive, without a trailing slash.',
    'Any request may also be answered before it reaches an operation: `400 BAD_REQUEST`, `408 REQUEST_TIMEOUT` ' +
      'or `431 HEADERS_TOO_LARGE` by the HTTP server; `404 NOT_FOUND` for an unknown path; ' +
      '`405 METHOD_NOT_ALLOWED` (with `Allow`) for a method a path does not serve; `403 HTTPS_REQUIRED` or ' +
      '`503 SERVICE_UNAVAILABLE` (shutting down) for any path.',
  ].join('\n\n');
}

/** The security schemes, header components and header parameters the operations refer to, once each. */
function referencedComponents(operations: readonly Operation[]) {
  const securitySchemes: Record<string, DocumentObject> = {};
  const headers: Record<string, DocumentObject> = headerComponents();
  const parameters: Record<string, DocumentObject> = {};
  for (const { guard, headers: answerHeaders = [] } of operations) {
    if (guard) securitySchemes[guard.scheme.name] = guard.scheme.definition;
    for (const { component, parameter } of guard?.headers ?? []) parameters[component] = parameter;
    for (const header of answerHeaders) headers[header.component] = headerObject(header);
  }
  return { securitySchemes, headers, parameters };
}

export function buildOpenApiDocument(
  config: Config,
  sections: readonly ApiSection[],
): OpenApiDocument {
  const operations = sections.flatMap((section) => section.operations);
  const names = componentNames(sections);
  const context = {
    nameOf: (schema: unknown) => {
      const name = names.get(schema as z.ZodType);
      if (name === undefined) throw new Error('a documented response schema has no component name');
      return name;
    },
  };

  const paths: OpenApiDocument['paths'] = {};
  for (const operation of operations) {
    const path = openApiPath(operation.path);
    paths[path] = { ...paths[path], [operation.method]: toOperationObject(operation, context) };
  }

  return {
    openapi: '3.1.0',
    info: { title: 'auth-api', version: '1', description: introduction(config, sections) },
    // Relative to where the document is served from: the API itself, whatever host or proxy is in front.
    servers: [{ url: '/', description: 'This server' }],
    tags: sections.flatMap((section) => section.tags),
    paths,
    components: {
      schemas: responseComponentSchemas(names),
      ...referencedComponents(operations),
    },
  };
}
