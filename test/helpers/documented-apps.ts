// The apps whose answers the response-conformance check holds to the API document: those buildTestApp builds, each
// with its configuration and the document rendered from the operation tables it serves.
import { EventEmitter } from 'node:events';
import type { Config } from '../../src/config/config.js';
import type { OpenApiDocument } from '../../src/openapi/openapi-document.js';

export interface DocumentedApp {
  config: Config;
  document: () => OpenApiDocument;
}

const apps = new WeakMap<object, DocumentedApp>();

export function rememberDocumentedApp(
  app: object,
  config: Config,
  document: () => OpenApiDocument,
): void {
  apps.set(app, { config, document });
}

/** The documented app, given the app or a server whose request listener it is. */
export function documentedAppOf(target: unknown): DocumentedApp | undefined {
  if (typeof target !== 'object' && typeof target !== 'function') return undefined;
  if (target === null) return undefined;
  const direct = apps.get(target);
  if (direct) return direct;
  const listeners = target instanceof EventEmitter ? target.listeners('request') : [];
  for (const listener of listeners) {
    const documented = typeof listener === 'function' ? apps.get(listener) : undefined;
    if (documented) return documented;
  }
  return undefined;
}
