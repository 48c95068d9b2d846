// Graceful shutdown on SIGTERM and SIGINT: refuse new work, let in-flight requests finish up to the deadline, close
// resources, exit 0. A second signal exits at once.
import type { Lifecycle } from '../app.js';
import type { Logger } from '../observability/logger.js';
import type { RunningServer } from './http-server.js';

export interface ShutdownOptions {
  server: RunningServer;
  lifecycle: Lifecycle;
  logger: Logger;
  deadlineMs: number;
  /** Closes what the server used (store, timers), after the last request is done. */
  closeResources(): Promise<void>;
}

export function exitOnSignals(options: ShutdownOptions): void {
  const { server, lifecycle, logger } = options;

  const shutdown = async (signal: NodeJS.Signals) => {
    if (lifecycle.shuttingDown) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    lifecycle.shuttingDown = true;
    logger.info({ signal, deadlineMs: options.deadlineMs }, 'shutting down');
    try {
      const { forced } = await server.close(options.deadlineMs);
      if (forced) logger.warn('shutdown deadline reached: remaining connections were closed');
      await options.closeResources();
      logger.info('shutdown complete');
      process.exit(0);
    } catch (error) {
      logger.fatal({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void shutdown(signal));
  }
}
