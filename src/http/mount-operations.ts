// Mounts operation tables on the app: each operation's steps (limit, guard, body, its own steps, validation,
// handler) run as one handler (in-sequence.ts), at the full path, and every path answers 405 with `Allow` to a method
// it does not serve. Only an operation that declares a body reads one: any other ignores what a client sends.
import type { IRouter, RequestHandler } from 'express';
import { methodNotAllowed } from './fallback-routes.js';
import { inSequence } from './in-sequence.js';
import { jsonBody } from './json-body.js';
import type { Operation } from './operation.js';
import { parseRequest } from './validate.js';

export interface MountOptions {
  bodyLimitBytes: number;
}

/** Mounts every operation in table order (the most requested first: routes are matched in order). */
export function mountOperations(
  app: IRouter,
  operations: readonly Operation[],
  options: MountOptions,
): void {
  const byPath = new Map<string, Operation[]>();
  for (const operation of operations) {
    byPath.set(operation.path, [...(byPath.get(operation.path) ?? []), operation]);
  }
  const readBody = jsonBody(options.bodyLimitBytes);
  for (const [path, served] of byPath) {
    const route = app.route(path);
    for (const operation of served)
      route[operation.method](inSequence(stepsOf(operation, readBody)));
    route.all(methodNotAllowed);
  }
}

function stepsOf(operation: Operation, readBody: RequestHandler): RequestHandler[] {
  const { limit, guard, request, before = [] } = operation;
  const handle: RequestHandler = (req, res) => {
    const input = parseRequest(req, request, { anyQuery: operation.anyQuery === true });
    return operation.handle(input, req, res);
  };
  return [
    ...(limit ? [limit.check] : []),
    ...(guard ? [guard.check] : []),
    ...(request.body ? [readBody] : []),
    ...before,
    handle,
  ];
}
