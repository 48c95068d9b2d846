// `npm run db:indexes`: sets up the MongoDB database (MONGODB_URI) for this version and exits: fills in the records
// documents of earlier versions lack, builds the indexes, replaces the ones FerretDB cannot serve. For operators who
// run with MONGODB_AUTO_INDEX=false (index builds as a deliberate step). Safe to run again.
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './observability/logger.js';
import { describeStore, openStores } from './storage/open-stores.js';

async function setUpIndexes(): Promise<void> {
  dotenv.config({ quiet: true });
  const logger = createLogger({ level: 'info' });
  try {
    const { config } = loadConfig(process.env);
    if (config.storage.kind !== 'mongodb') {
      process.stderr.write('auth-api: db:indexes is for MongoDB; set MONGODB_URI.\n');
      process.exit(2);
    }
    // Opening with autoIndex on runs the set-up (and logs what it did) before anything else can use the database.
    const stores = await openStores(
      { ...config, storage: { ...config.storage, autoIndex: true } },
      logger,
    );
    await stores.close();
    logger.info({ store: describeStore(config) }, 'database set up; exiting');
  } catch (error) {
    if (error instanceof ConfigError) process.stderr.write(`auth-api: ${error.message}\n`);
    else logger.fatal({ err: error }, 'database set-up failed');
    process.exitCode = 1;
  }
}

void setUpIndexes();
