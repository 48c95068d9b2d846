// The real API on a loopback port in cookie mode, for browser tests: in-memory SQLite, the real clock (the browser
// judges the cookie's Max-Age by its own), bcrypt at cost 4, a record of every request that arrived, and its log.
import type { IncomingMessage } from 'node:http';
import Database from 'better-sqlite3';
import { createApp } from '../../src/app.js';
import { createBcryptHasher } from '../../src/auth/passwords/password-hasher.js';
import { refreshCookieName } from '../../src/auth/refresh-token-transport.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { startHttpServer } from '../../src/server/http-server.js';
import { createSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { LogCapture } from './log-capture.js';
import { TEST_SECRETS } from './test-app.js';

export interface CookieModeApi {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Every request received, as "METHOD path from origin" ("from nowhere" without an Origin header). */
  arrivals: string[];
  /** The name the refresh cookie is set and read under in this configuration. */
  refreshCookie: string;
  /** What the app logged (info and up), audit lines included. */
  logs: LogCapture;
  stop(): Promise<void>;
}

export interface CookieModeOptions {
  /** Settings beyond cookie mode's, such as REFRESH_REUSE_GRACE_SECONDS. */
  env?: Record<string, string>;
  /**
   * Called as each request arrives; a promise it returns holds the request back from the app until it settles, so a
   * test can keep one request waiting until another has arrived.
   */
  beforeApp?: (req: IncomingMessage) => Promise<void> | undefined;
}

export async function startCookieModeApi(
  allowedOrigin: string,
  options: CookieModeOptions = {},
): Promise<CookieModeApi> {
  const { config } = loadConfig({
    NODE_ENV: 'test',
    ...TEST_SECRETS,
    REFRESH_TOKEN_TRANSPORT: 'cookie',
    CORS_ORIGINS: allowedOrigin,
    RATE_LIMIT_LOGIN: '1000',
    RATE_LIMIT_REFRESH: '1000',
    ...options.env,
  });
  const stores = createSqliteStores(new Database(':memory:'));
  const logs = new LogCapture();
  const logger = createLogger({ level: 'info', destination: logs.stream });
  const hasher = createBcryptHasher(4);
  const app = createApp({ config, stores, clock: systemClock, logger, hasher });
  const arrivals: string[] = [];
  const server = await startHttpServer(
    (req, res) => {
      arrivals.push(`${req.method ?? ''} ${req.url ?? ''} from ${req.headers.origin ?? 'nowhere'}`);
      const held = options.beforeApp?.(req);
      if (held === undefined) app(req, res);
      else
        void held.then(() => {
          app(req, res);
        });
    },
    { host: '127.0.0.1', port: 0 },
  ).catch(async (error: unknown) => {
    await stores.close();
    throw error;
  });
  return {
    url: `http://127.0.0.1:${server.address.port}`,
    arrivals,
    refreshCookie: refreshCookieName(config.refreshTokens.cookie),
    logs,
    stop: async () => {
      await server.close(1000);
      await stores.close();
    },
  };
}
