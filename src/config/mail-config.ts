// The mail side of the configuration (DESIGN section 8): where recovery links point, how mail leaves, and the keys
// that seal queued mail. With nothing set, development and tests write mail as .eml files and use a generated
// OUTBOX_KEY; production refuses to start without an https APP_URL, SMTP settings and an OUTBOX_KEY of its own.
import { generateOutboxKey, loadOrCreateDevSecrets } from './dev-secrets.js';
import type { Env } from './env-schema.js';
import type { Findings } from './config-rules.js';
import { secretWeakness } from './secret-strength.js';

export interface MailSettings {
  /** The web app's base URL, without a trailing slash: links are `${appUrl}/reset-password#token=…`. */
  readonly appUrl: string;
  readonly from: string;
  readonly transport:
    | { readonly kind: 'smtp'; readonly url: string }
    | { readonly kind: 'file'; readonly dir: string };
  /** Sealing keys, each 32 bytes as base64url: the current one seals, a previous one still opens. */
  readonly outboxKeys: { readonly current: string; readonly previous: string | undefined };
  readonly retryDelayMs: number;
}

const KEY_BYTES = 32;
const KEY_HINT = 'generate one with: openssl rand -base64 32';

/** The 32 key bytes of an OUTBOX_KEY written as base64, base64url or hex; undefined for anything else. */
export function decodeOutboxKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length === KEY_BYTES ? bytes : undefined;
}

const asBase64url = (text: string) => decodeOutboxKey(text)?.toString('base64url');

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
  const outboxKeys = resolveOutboxKeys(env, devSecretsFile, problems, warnings);
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

function resolveOutboxKeys(
  env: Env,
  devSecretsFile: string,
  problems: string[],
  warnings: string[],
): MailSettings['outboxKeys'] | undefined {
  const previous = checkedKey('OUTBOX_KEY_PREVIOUS', env.OUTBOX_KEY_PREVIOUS, env, problems);
  if (env.OUTBOX_KEY !== undefined) {
    const current = checkedKey('OUTBOX_KEY', env.OUTBOX_KEY, env, problems);
    if (current !== undefined && current === previous) {
      problems.push('OUTBOX_KEY_PREVIOUS: must differ from OUTBOX_KEY');
    }
    return current === undefined ? undefined : { current, previous };
  }
  if (env.NODE_ENV === 'production') {
    problems.push(`OUTBOX_KEY: is required in production (32 bytes; ${KEY_HINT})`);
    return undefined;
  }
  if (env.NODE_ENV === 'test') return { current: generateOutboxKey(), previous };
  warnings.push(
    `OUTBOX_KEY not set: sealing queued mail with a development key kept in ${devSecretsFile}. Never do this in production.`,
  );
  return { current: loadOrCreateDevSecrets(devSecretsFile).outboxKey, previous };
}

function checkedKey(
  name: string,
  text: string | undefined,
  env: Env,
  problems: string[],
): string | undefined {
  if (text === undefined) return undefined;
  const key = asBase64url(text);
  if (key === undefined) {
    problems.push(`${name}: must be 32 bytes written as base64 or hex; ${KEY_HINT}`);
    return undefined;
  }
  const weakness = secretWeakness(key);
  if (weakness !== undefined && env.NODE_ENV === 'production') {
    problems.push(
      `${name}: ${weakness.replace('openssl rand -base64 48', 'openssl rand -base64 32')}`,
    );
    return undefined;
  }
  return key;
}
