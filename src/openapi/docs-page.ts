// The interactive API reference page: Swagger UI, served from the installed swagger-ui-dist package (never a CDN),
// so it works offline and under the app's CSP (`script-src 'self'`): no inline script, and the start-up code is a
// file of its own.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const DOCS_PATH = '/api/docs';
export const OPENAPI_PATH = '/api/openapi.json';

/** The files of swagger-ui-dist the page loads, and nothing else of the package. */
export const SWAGGER_UI_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];

/** Where the installed swagger-ui-dist keeps its files (resolved once, when first asked). */
let swaggerUiDirectory: string | undefined;
export function swaggerUiFile(name: string): string {
  swaggerUiDirectory ??= dirname(
    createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
  );
  return join(swaggerUiDirectory, name);
}

export const DOCS_START_SCRIPT_FILE = 'start-reference.js';

// validatorUrl: null keeps Swagger UI from sending the document to its public validator; BaseLayout needs no
// standalone preset (and so no top bar that loads other URLs).
export const DOCS_START_SCRIPT = `'use strict';
window.ui = SwaggerUIBundle({
  url: '${OPENAPI_PATH}',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

export const DOCS_PAGE_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>auth-api: API reference</title>
    <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_PATH}/${DOCS_START_SCRIPT_FILE}"></script>
  </body>
</html>
`;
