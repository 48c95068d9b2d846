// `npm run mfa -- reset <email>`: turns off an account's second factor for an owner who lost both the app and the
// recovery codes (after support has checked who they are), with the same configuration and store as the server.
// Results go to standard error in words, the audit line to standard output as JSON.
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from './config/config.js';
import { outboxMailQueue } from './mail/mail-queue.js';
import { resetSecondFactor } from './mfa/operator-mfa-reset.js';
import { createAuditLog } from './observability/audit-log.js';
import { createLogger } from './observability/logger.js';
import { openStores } from './storage/open-stores.js';

const USAGE = 'usage: npm run mfa -- reset <email>';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const logger = createLogger({ level: 'info' });
  const [step, email, ...extra] = process.argv.slice(2);
  if (step !== 'reset' || email === undefined || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 1;
    return;
  }
  try {
    const { config } = loadConfig(process.env);
    const stores = await openStores(config, logger);
    const clock = { now: () => Date.now() };
    try {
      const result = await resetSecondFactor(email.trim().normalize('NFC').toLowerCase(), {
        users: stores.users,
        sessions: stores.sessions,
        mfa: stores.mfa,
        mail: outboxMailQueue(config.mail.outboxKeys, stores.mailOutbox, clock),
        clock,
        audit: createAuditLog(logger),
      });
      const words = {
        reset: `Two-step sign-in is off for ${email}; every session ended; the owner is mailed.`,
        'no-account': `No live account has the address ${email}.`,
        'no-factor': `${email} has no second factor; nothing changed.`,
      };
      process.stderr.write(`${words[result.outcome]}\n`);
      process.exitCode = result.outcome === 'reset' ? 0 : 2;
    } finally {
      await stores.close();
    }
  } catch (error) {
    if (error instanceof ConfigError) process.stderr.write(`auth-api: ${error.message}\n`);
    else logger.fatal({ err: error }, 'mfa command failed');
    process.exitCode = 1;
  }
}

void main();
