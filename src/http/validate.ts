// Strict request validation with zod: parsed values out, or one VALIDATION_ERROR naming every bad or unknown field.
import type { Request } from 'express';
import { z } from 'zod';
import { AppError, type ErrorDetail } from '../errors/app-error.js';
import type { ParsedRequest, RequestSchemas } from './operation.js';

/** A query string is refused unless an operation declares one: the whitelist covers every part of the request. */
const NO_QUERY = z.strictObject({});

/** The parts of a request a route may describe, with the prefix their error paths carry. */
const PARTS = [
  { part: 'params', prefix: 'params.' },
  { part: 'query', prefix: 'query.' },
  { part: 'body', prefix: '' },
] as const;

type Part = (typeof PARTS)[number]['part'];

export interface ParseOptions {
  /** Ignore a query string the schemas do not describe, instead of refusing it. */
  anyQuery?: boolean;
}

export function parseRequest<S extends RequestSchemas>(
  req: Request,
  schemas: S,
  options: ParseOptions = {},
): ParsedRequest<S> {
  const parsed: Record<string, unknown> = {};
  const details: ErrorDetail[] = [];
  for (const { part, prefix } of PARTS) {
    const schema = schemaFor(part, schemas, req, options);
    if (schema === undefined) continue;
    const result = schema.safeParse(valueOf(part, req));
    if (result.success) parsed[part] = result.data;
    else details.push(...toDetails(result.error, prefix));
  }
  if (details.length > 0) throw validationError(details);
  return parsed as ParsedRequest<S>;
}

function schemaFor(
  part: Part,
  schemas: RequestSchemas,
  req: Request,
  options: ParseOptions,
): z.ZodType | undefined {
  if (part !== 'query') return schemas[part];
  if (schemas.query) return schemas.query;
  // Without a query string there is nothing to check (and Express parses one on every read of req.query).
  return options.anyQuery === true || !req.url.includes('?') ? undefined : NO_QUERY;
}

function valueOf(part: Part, req: Request): unknown {
  // A request without a body is validated as an empty object, so the answer names the missing fields.
  if (part === 'body') return (req.body as unknown) ?? {};
  return part === 'query' ? req.query : req.params;
}

function toDetails(error: z.ZodError, prefix: string): ErrorDetail[] {
  return error.issues.flatMap((issue) => {
    const path = prefix + issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: joinPath(path, key), message: 'Unknown field.' }));
    }
    if (issue.code === 'invalid_type' && issue.path.length === 0) {
      return [
        { path: prefix === '' ? 'body' : prefix.slice(0, -1), message: 'Must be a JSON object.' },
      ];
    }
    return [{ path: path.replace(/\.$/, ''), message: issue.message }];
  });
}

function joinPath(path: string, key: string): string {
  return path === '' || path.endsWith('.') ? path + key : `${path}.${key}`;
}

function validationError(details: ErrorDetail[]): AppError {
  const [first] = details;
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return new AppError('VALIDATION_ERROR', {
    message: `Invalid request: ${first?.path}: ${first?.message}${more}`,
    details,
  });
}
