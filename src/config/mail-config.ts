// The mail side of the configuration (DESIGN section 8): where recovery links point, how mail leaves, and the keys
// that seal queued mail. With nothing set, development and tests write mail as .eml files and use a generated
// OUTBOX_KEY; production refuses to start without an https APP_URL, SMTP settings and an OUTBOX_KEY of its own.
import type { Env } from './env-schema.js';
import type { Findings } from './config-rules.js';
import { resolveSealingKeys, type SealingKeys } from './sealing-keys.js';

export interface MailSettings {
  /** The web app's base URL, without a trailing slash: links are `${appUrl}/reset-password#token=…`. */
  readonly appUrl: string;
  readonly from: string;
  readonly transport:
    | { readonly kind: 'smtp'; readonly url: string }
    | { readonly kind: 'file'; readonly dir: string };
  /** Sealing keys, each 32 bytes as base64url: the current one seals, a previous one still opens. */
  readonly outboxKeys: SealingKeys;
  readonly retryDelayMs: number;
}

export function resolveMailSettings(
  env: Env,
  devSecretsFile: string,
  { problems, warnings }: Findings,
): MailSettings | undefined {
  const production = env.NODE_ENV === 'production';
  const transportKind = env.MAIL_TRANSPORT ?? (production ? undefined : 'file');
  if (production) checkProductionMail(env, problems);
  if (transportKind === 'smtp' && env.SMTP_URL === undefined) {
    problems.push(
      'SMTP_URL: is required with MAIL_TRANSPORT=smtp (e.g. smtps://user:password@smtp.example.com:465)',
    );
  }
  const outboxKeys = resolveSealingKeys(
    {
      name: 'OUTBOX_KEY',
      current: env.OUTBOX_KEY,
      previous: env.OUTBOX_KEY_PREVIOUS,
      seals: 'queued mail',
      devField: 'outboxKey',
    },
    env,
    devSecretsFile,
    { problems, warnings },
  );
  if (transportKind === undefined || outboxKeys === undefined) return undefined;
  return {
    appUrl: env.APP_URL ?? `http://localhost:${String(env.PORT)}`,
    from: env.MAIL_FROM ?? 'auth-api <no-reply@localhost>',
    transport:
      transportKind === 'smtp'
        ? { kind: 'smtp', url: env.SMTP_URL ?? '' }
        : { kind: 'file', dir: env.MAIL_DIR },
    outboxKeys,
    retryDelayMs: env.MAIL_RETRY_DELAY * 1000,
  };
}

function checkProductionMail(env: Env, problems: string[]): void {
  if (env.APP_URL === undefined || !env.APP_URL.startsWith('https://')) {
    problems.push(
      'APP_URL: production needs the https URL of the web app that recovery links open (e.g. https://app.example.com)',
    );
  }
  if (env.MAIL_TRANSPORT !== 'smtp') {
    problems.push('MAIL_TRANSPORT: must be smtp in production (file is for development)');
  }
  if (env.MAIL_FROM === undefined) {
    problems.push('MAIL_FROM: is required in production (e.g. "Example <no-reply@example.com>")');
  }
}
