// Wraps an adapter's port so that its driver's "cannot reach or write the database" errors leave as
// StoreUnavailableError.
import { StoreUnavailableError } from './ports/stores.js';

export interface UnavailableGuard {
  /** Whether a driver error means the database is unreachable or not writable (rather than a bug or bad data). */
  isUnavailable(error: unknown): boolean;
  /** Checked before each call: false fails fast instead of waiting on a connection known to be down. */
  isReady?(): boolean;
}

/** The port with every method guarded. */
export function guardUnavailable<Port extends object>(port: Port, guard: UnavailableGuard): Port {
  const guarded = {} as Record<string, unknown>;
  for (const [name, method] of Object.entries(port) as Array<[string, unknown]>) {
    if (typeof method !== 'function') {
      guarded[name] = method;
      continue;
    }
    guarded[name] = async (...args: unknown[]): Promise<unknown> => {
      if (guard.isReady && !guard.isReady()) throw new StoreUnavailableError();
      try {
        return await (method as (...callArgs: unknown[]) => Promise<unknown>).apply(port, args);
      } catch (error) {
        if (guard.isUnavailable(error)) throw new StoreUnavailableError({ cause: error });
        throw error;
      }
    };
  }
  return guarded as Port;
}
