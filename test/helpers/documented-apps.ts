// The apps whose answers the response-conformance check holds to the API document: those buildTestApp builds, each
// with the configuration its document is generated from.
import { EventEmitter } from 'node:events';
import type { Config } from '../../src/config/config.js';

const configs = new WeakMap<object, Config>();

export function rememberDocumentedApp(app: object, config: Config): void {
  configs.set(app, config);
}

/** The configuration of a documented app, given the app or a server whose request listener it is. */
export function documentedConfigOf(target: unknown): Config | undefined {
  if (typeof target !== 'object' && typeof target !== 'function') return undefined;
  if (target === null) return undefined;
  const direct = configs.get(target);
  if (direct) return direct;
  const listeners = target instanceof EventEmitter ? target.listeners('request') : [];
  for (const listener of listeners) {
    const config = typeof listener === 'function' ? configs.get(listener) : undefined;
    if (config) return config;
  }
  return undefined;
}
