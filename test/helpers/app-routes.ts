// The routes an Express app serves, read from its router (router 2's listRoutes), so a test can compare them with
// what the API document describes without a hand-typed list.

interface ListedRoute {
  path: string | RegExp;
  /** Registered methods; '*' for `.all()`; undefined for a mounted router. */
  methods: string[] | undefined;
  router: RouteLister | undefined;
}

interface RouteLister {
  listRoutes(): ListedRoute[];
}

export interface ServedRoute {
  /** Lower case, as in an OpenAPI path item: 'get', 'post', 'delete'. */
  method: string;
  /** OpenAPI path syntax: `/api/auth/sessions/{id}`. */
  path: string;
}

const joinPaths = (prefix: string, path: string) => (prefix + path).replace(/\/{2,}/g, '/');
import { openApiPath as toOpenApiPath } from '../../src/openapi/openapi-operation.js';

function collect(lister: RouteLister, prefix: string): ServedRoute[] {
  return lister.listRoutes().flatMap(({ path, methods, router }) => {
    if (typeof path !== 'string')
      throw new Error(`a route with a non-string path: ${String(path)}`);
    const full = joinPaths(prefix, path);
    if (router) return collect(router, full === '/' ? '' : full);
    return (
      (methods ?? [])
        // `.all()` is the 405 fallback, and HEAD is GET's automatic companion: neither is an operation.
        .filter((method) => method !== '*' && method.toUpperCase() !== 'HEAD')
        .map((method) => ({ method: method.toLowerCase(), path: toOpenApiPath(full) }))
    );
  });
}

/** Every method and path the app's routes serve, mounted routers included. */
export function servedRoutes(app: { router: unknown }): ServedRoute[] {
  return collect(app.router as RouteLister, '');
}
