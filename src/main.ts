// Process entry: config -> logger -> store -> app -> listen -> shutdown on signals.
import dotenv from 'dotenv';
import { createApp, type Lifecycle } from './app.js';
import { prepareGuessabilityEstimator } from './auth/passwords/password-guessability.js';
import { createBcryptHasher } from './auth/passwords/password-hasher.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type LoadedConfig } from './config/config.js';
import { openAccessTokenKeys } from './keys/access-token-keys.js';
import { KeyFileError } from './keys/signing-key-file.js';
import { createLogger, type Logger } from './observability/logger.js';
import { startOutboxDelivery } from './mail/outbox-delivery.js';
import { createLinkMailComposer } from './recovery/link-mail-composer.js';
import { createAuditLog } from './observability/audit-log.js';
import { createMetrics } from './observability/metrics.js';
import { startExpirySweeper } from './storage/expiry-sweeper.js';
import { describeRedisUrl } from './limits/redis-connection.js';
import { openCounters } from './limits/open-counters.js';
import { describeStore, openStores } from './storage/open-stores.js';
import { startHttpServer } from './server/http-server.js';
import { exitOnSignals } from './server/shutdown.js';
import { loadTlsCredentials } from './server/tls-credentials.js';
import { reloadTlsOnSighup } from './server/tls-reload.js';

function loadConfigOrExit(): LoadedConfig {
  dotenv.config({ quiet: true });
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`auth-api: refusing to start.\n${error.message}\n`);
    process.exit(1);
  }
}

/** The access-token keys as configured; an unusable ES256 key directory stops the start, naming the problem. */
function openAccessTokenKeysOrExit(config: LoadedConfig['config'], logger: Logger) {
  try {
    return openAccessTokenKeys(config, logger, new Date(systemClock.now()), { watch: true });
  } catch (error) {
    if (!(error instanceof KeyFileError) && !isMissingDirectory(error)) throw error;
    logger.fatal({ err: error }, 'cannot use the signing keys in JWT_KEYS_DIR; not starting');
    process.exit(1);
  }
}

const isMissingDirectory = (error: unknown) =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';

async function main(): Promise<void> {
  const { config, warnings } = loadConfigOrExit();
  const logger = createLogger({ level: config.log.level });
  for (const warning of warnings) logger.warn(warning);
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection');
    process.exit(1);
  });

  const stores = await openStores(config, logger).catch((error: unknown) => {
    logger.fatal(
      { err: error, store: describeStore(config) },
      'cannot open the store; not starting',
    );
    process.exit(1);
  });
  const counters = await openCounters(config, logger).catch((error: unknown) => {
    logger.fatal({ err: error }, 'cannot reach Redis (REDIS_URL); not starting');
    process.exit(1);
  });
  try {
    const sweeper = startExpirySweeper({
      sessions: stores.sessions,
      oneTimeTokens: stores.oneTimeTokens,
      mailOutbox: stores.mailOutbox,
      mfa: stores.mfa,
      clock: systemClock,
      logger,
    });
    const signing = openAccessTokenKeysOrExit(config, logger);
    // SIGHUP also re-reads the signing keys (the directory is watched as well): `npm run keys` steps apply at once.
    process.on('SIGHUP', () => {
      signing.reload();
    });
    const lifecycle: Lifecycle = { shuttingDown: false };
    const metrics = createMetrics({ processMetrics: true });
    const mail = startOutboxDelivery({
      settings: config.mail,
      outbox: stores.mailOutbox,
      // Recovery's link mails are asked for in requests and composed in the worker, where the links are minted.
      composer: createLinkMailComposer({ config, stores, clock: systemClock }),
      clock: systemClock,
      logger,
      audit: createAuditLog(logger, metrics),
      metrics,
    });
    const app = createApp({
      config,
      stores,
      clock: systemClock,
      logger,
      hasher: createBcryptHasher(config.passwords.bcryptRounds),
      counters,
      sharedCounters: config.redis !== undefined,
      metrics,
      lifecycle,
      accessKeys: signing.keys,
    });
    // Before listening: building zxcvbn's dictionaries would otherwise hold the first registration's event loop.
    prepareGuessabilityEstimator();
    const tls = config.http.tls === undefined ? undefined : loadTlsCredentials(config.http.tls);
    const server = await startHttpServer(app, config.http, tls);
    reloadTlsOnSighup(server, config.http.tls, logger);
    exitOnSignals({
      server,
      lifecycle,
      logger,
      deadlineMs: config.http.shutdownTimeoutMs,
      closeResources: async () => {
        signing.close();
        await Promise.all([sweeper.stop(), mail.stop()]);
        await Promise.all([stores.close(), counters.close()]);
      },
    });
    logger.info(
      {
        host: server.address.address,
        port: server.address.port,
        env: config.env,
        store: describeStore(config),
        tls: tls?.summary ?? false,
        rateLimits: config.redis === undefined ? 'memory' : describeRedisUrl(config.redis.url),
      },
      'listening',
    );
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
}

void main();
