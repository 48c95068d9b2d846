// GET /api/openapi.json (the generated document, built on first request and then kept) and GET /api/docs (the
// interactive reference page and its assets, from installed packages). Other methods: 405, like every route.
import { Router, type RequestHandler } from 'express';
import type { Config } from '../config/config.js';
import { methodNotAllowed } from '../http/fallback-routes.js';
import { documentSecurityHeaders } from '../http/security.js';
import {
  DOCS_PAGE_HTML,
  DOCS_PATH,
  DOCS_START_SCRIPT,
  DOCS_START_SCRIPT_FILE,
  OPENAPI_PATH,
  SWAGGER_UI_FILES,
  swaggerUiFile,
} from './docs-page.js';
import { buildOpenApiDocument } from './openapi-document.js';

const sendInstalledFile =
  (name: string): RequestHandler =>
  (_req, res, next) => {
    // Errors (a missing file) go to the one error handler; the app's Cache-Control: no-store stays.
    res.sendFile(swaggerUiFile(name), { etag: false }, (error) => {
      if (error) next(error);
    });
  };

export function createApiDocsRoutes(config: Config): Router {
  const router = Router();
  // The page is an HTML document: it gets helmet's full set, in place of the API's (security.ts).
  const pageHeaders = documentSecurityHeaders(config);
  let documentJson: string | undefined;

  router
    .route(OPENAPI_PATH)
    .get((_req, res) => {
      documentJson ??= JSON.stringify(buildOpenApiDocument(config));
      res.type('application/json').send(documentJson);
    })
    .all(methodNotAllowed);

  router
    .route(DOCS_PATH)
    .get(pageHeaders, (_req, res) => {
      res.type('html').send(DOCS_PAGE_HTML);
    })
    .all(methodNotAllowed);

  router
    .route(`${DOCS_PATH}/${DOCS_START_SCRIPT_FILE}`)
    .get(pageHeaders, (_req, res) => {
      res.type('text/javascript').send(DOCS_START_SCRIPT);
    })
    .all(methodNotAllowed);

  for (const name of SWAGGER_UI_FILES) {
    router
      .route(`${DOCS_PATH}/${name}`)
      .get(pageHeaders, sendInstalledFile(name))
      .all(methodNotAllowed);
  }
  return router;
}
