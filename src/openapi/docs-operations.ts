// GET /api/openapi.json (the document, rendered on first request and then kept) and GET /api/docs (the interactive
// reference page and its assets, from installed packages), declared like every other operation, so the document
// describes itself and the page too.
import type { Response } from 'express';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import { AppError } from '../errors/app-error.js';
import { defineOperation, type ApiSection } from '../http/operation.js';
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

const TAG = 'Reference';

/** The document's outline: what a client may rely on before it reads the rest as OpenAPI 3.1. */
const openApiDocumentSchema = z
  .looseObject({
    openapi: z.string().describe('`3.1.0`'),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
    components: z.record(z.string(), z.unknown()),
  })
  .describe('An OpenAPI 3.1 document: this one.');

const assetParams = z.strictObject({
  file: z.string().max(100, 'File name must be at most 100 characters.'),
});

/** The page's own assets: each served with its type, and nothing else of the package (404). */
function sendAsset(file: string, res: Response): Promise<void> {
  if (file === DOCS_START_SCRIPT_FILE) {
    res.type('text/javascript').send(DOCS_START_SCRIPT);
    return Promise.resolve();
  }
  if (!SWAGGER_UI_FILES.includes(file)) throw new AppError('NOT_FOUND');
  return new Promise((resolve, reject) => {
    // A failure (a missing file) goes to the one error handler; the app's Cache-Control: no-store stays.
    res.sendFile(swaggerUiFile(file), { etag: false }, (error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}

/** The reference operations; the document they serve describes `sections` and these operations themselves. */
export function docsSection(config: Config, sections: readonly ApiSection[]): ApiSection {
  // The page and its assets are an HTML document: they get helmet's full set, in place of the API's (security.ts).
  const pageHeaders = [documentSecurityHeaders(config)];
  let documentJson: string | undefined;
  const section: ApiSection = {
    tags: [{ name: TAG, description: 'This document and the interactive reference page.' }],
    schemaNames: new Map([[openApiDocumentSchema, 'OpenApiDocument']]),
    operations: [
      defineOperation({
        method: 'get',
        path: OPENAPI_PATH,
        operationId: 'getOpenApiDocument',
        summary: 'This API document (OpenAPI 3.1)',
        description: 'Generated from the operation tables and schemas the server runs with.',
        tag: TAG,
        anyQuery: true,
        request: {},
        success: { status: 200, description: 'The document.', json: openApiDocumentSchema },
        errors: [],
        handle: (_input, _req, res) => {
          documentJson ??= JSON.stringify(buildOpenApiDocument(config, [...sections, section]));
          res.type('application/json').send(documentJson);
        },
      }),
      defineOperation({
        method: 'get',
        path: DOCS_PATH,
        operationId: 'getReferencePage',
        summary: 'The interactive reference page (Swagger UI)',
        description:
          'Served from the installed package: no CDN, works offline, under a strict CSP.',
        tag: TAG,
        anyQuery: true,
        before: pageHeaders,
        request: {},
        success: { status: 200, description: 'The page.', mediaTypes: ['text/html'] },
        errors: [],
        handle: (_input, _req, res) => {
          res.type('html').send(DOCS_PAGE_HTML);
        },
      }),
      defineOperation({
        method: 'get',
        path: `${DOCS_PATH}/:file`,
        operationId: 'getReferencePageAsset',
        summary: "A file of the reference page's",
        description: `One of: ${[DOCS_START_SCRIPT_FILE, ...SWAGGER_UI_FILES].map((file) => `\`${file}\``).join(', ')}. Any other name: 404.`,
        tag: TAG,
        anyQuery: true,
        before: pageHeaders,
        request: { params: assetParams },
        success: {
          status: 200,
          description: 'The file.',
          mediaTypes: ['text/javascript', 'text/css', 'image/png'],
        },
        errors: ['NOT_FOUND'],
        handle: ({ params }, _req, res) => sendAsset(params.file, res),
      }),
    ],
  };
  return section;
}
