// `npm run keys -- list | create | promote [kid] | retire <kid> [--force]`: rotates the ES256 signing keys in
// JWT_KEYS_DIR (DESIGN section 10) with the same configuration as the server. A running server picks the change up
// from its file watch (or SIGHUP). Results go to standard error in words, audit lines to standard output as JSON.
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from './config/config.js';
import { createAuditLog } from './observability/audit-log.js';
import { createLogger } from './observability/logger.js';
import {
  reportList,
  reportPromote,
  reportRetire,
  type StepReport,
} from './keys/key-step-report.js';
import { createKey, listKeys, promoteKey, retireKey, type StepContext } from './keys/key-steps.js';
import { KeyFileError } from './keys/signing-key-file.js';

const USAGE =
  'usage: npm run keys -- list | create | promote [kid] [--force] | retire <kid> [--force]';

function runStep(context: StepContext, args: string[]): StepReport {
  const force = args.includes('--force');
  const [step, kid, ...extra] = args.filter((arg) => arg !== '--force');
  if (extra.length > 0 || (force && step !== 'promote' && step !== 'retire')) {
    return { text: USAGE, exitCode: 1 };
  }
  switch (step) {
    case 'list':
      return reportList(listKeys(context.dir), context.times, context.now);
    case 'create': {
      const { kid: created } = createKey(context);
      return {
        text: `${created} created as next: published now, signing after promote.`,
        exitCode: 0,
      };
    }
    case 'promote':
      return reportPromote(promoteKey(context, kid, force));
    case 'retire':
      return kid === undefined
        ? { text: USAGE, exitCode: 1 }
        : reportRetire(retireKey(context, kid, force));
    default:
      return { text: USAGE, exitCode: 1 };
  }
}

function main(): void {
  dotenv.config({ quiet: true });
  const logger = createLogger({ level: 'info' });
  try {
    const { config } = loadConfig(process.env);
    const context: StepContext = {
      dir: config.jwt.keysDir,
      now: new Date(),
      times: {
        leadTimeSeconds: config.jwks.leadTimeSeconds,
        accessTtlSeconds: config.jwt.accessTtlSeconds,
      },
      audit: createAuditLog(logger),
    };
    const report = runStep(context, process.argv.slice(2));
    process.stderr.write(`${report.text}\n`);
    process.exitCode = report.exitCode;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof KeyFileError) {
      process.stderr.write(`auth-api: ${error.message}\n`);
    } else logger.fatal({ err: error }, 'keys command failed');
    process.exitCode = 1;
  }
}

main();
