// The real API on a loopback port in cookie mode, for browser tests: in-memory SQLite, the real clock (the browser
// judges the cookie's Max-Age by its own), bcrypt at cost 4, and a record of every request that arrived.
import Database from 'better-sqlite3';
import { createApp } from '../../src/app.js';
import { createBcryptHasher } from '../../src/auth/passwords/password-hasher.js';
import { refreshCookieName } from '../../src/auth/refresh-token-transport.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { startHttpServer } from '../../src/server/http-server.js';
import { createSqliteStores } from '../../src/storage/sqlite/sqlite-stores.js';
import { TEST_SECRETS } from './test-app.js';

export interface CookieModeApi {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Every request received, as "METHOD path from origin" ("from nowhere" without an Origin header). */
  arrivals: string[];
  /** The name the refresh cookie is set and read under in this configuration. */
  refreshCookie: string;
  stop(): Promise<void>;
}

export async function startCookieModeApi(allowedOrigin: string): Promise<CookieModeApi> {
  const { config } = loadConfig({
    NODE_ENV: 'test',
    ...TEST_SECRETS,
    REFRESH_TOKEN_TRANSPORT: 'cookie',
    CORS_ORIGINS: allowedOrigin,
    RATE_LIMIT_LOGIN: '1000',
    RATE_LIMIT_REFRESH: '1000',
  });
  const stores = createSqliteStores(new Database(':memory:'));
  const logger = createLogger({ level: 'silent' });
  const hasher = createBcryptHasher(4);
  const app = createApp({ config, stores, clock: systemClock, logger, hasher });
  const arrivals: string[] = [];
  const server = await startHttpServer(
    (req, res) => {
      arrivals.push(`${req.method ?? ''} ${req.url ?? ''} from ${req.headers.origin ?? 'nowhere'}`);
      app(req, res);
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
    stop: async () => {
      await server.close(1000);
      await stores.close();
    },
  };
}
