// Wraps an adapter so that its driver's "cannot reach or write the database" errors leave as StoreUnavailableError.
import { StoreUnavailableError, type AuthStore } from './ports.js';

export interface UnavailableGuard {
  /** Whether a driver error means the database is unreachable or not writable (rather than a bug or bad data). */
  isUnavailable(error: unknown): boolean;
  /** Checked before each call: false fails fast instead of waiting on a connection known to be down. */
  isReady?(): boolean;
}

export function guardUnavailable(store: AuthStore, guard: UnavailableGuard): AuthStore {
  const guarded = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(store) as Array<[string, unknown]>) {
    if (typeof method !== 'function' || name === 'close') {
      guarded[name] = method;
      continue;
    }
    guarded[name] = async (...args: unknown[]): Promise<unknown> => {
      if (guard.isReady && !guard.isReady()) throw new StoreUnavailableError();
      try {
        return await (method as (...callArgs: unknown[]) => Promise<unknown>).apply(store, args);
      } catch (error) {
        if (guard.isUnavailable(error)) throw new StoreUnavailableError({ cause: error });
        throw error;
      }
    };
  }
  return guarded as unknown as AuthStore;
}
