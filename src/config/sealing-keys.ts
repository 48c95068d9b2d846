// The keys of one sealed kind of data (OUTBOX_KEY for queued mail, MFA_ENCRYPTION_KEY for TOTP secrets), read the
// same way for each: 32 bytes as base64 or hex, a previous key that still opens, refused in production when missing
// or weak, generated once and kept on disk in development.
import { generateSealingKey, loadOrCreateDevSecrets, type DevSecrets } from './dev-secrets.js';
import type { Findings } from './config-rules.js';
import type { Env } from './env-schema.js';
import { secretWeakness } from './secret-strength.js';

/** Each 32 bytes as base64url: the current key seals, a previous one still opens. */
export interface SealingKeys {
  readonly current: string;
  readonly previous: string | undefined;
}

const KEY_BYTES = 32;
const KEY_HINT = 'generate one with: openssl rand -base64 32';

/** The 32 key bytes of a key written as base64, base64url or hex; undefined for anything else. */
export function decodeSealingKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length === KEY_BYTES ? bytes : undefined;
}

export interface SealingKeyVariables {
  /** The variable's name, e.g. `OUTBOX_KEY`; its previous key is `${name}_PREVIOUS`. */
  name: string;
  current: string | undefined;
  previous: string | undefined;
  /** What the key seals, for the development warning. */
  seals: string;
  /** Its field in the development secrets file. */
  devField: keyof Pick<DevSecrets, 'outboxKey' | 'mfaKey'>;
}

export function resolveSealingKeys(
  variables: SealingKeyVariables,
  env: Env,
  devSecretsFile: string,
  { problems, warnings }: Findings,
): SealingKeys | undefined {
  const { name } = variables;
  const previous = checkedKey(`${name}_PREVIOUS`, variables.previous, env, problems);
  if (variables.current !== undefined) {
    const current = checkedKey(name, variables.current, env, problems);
    if (current !== undefined && current === previous) {
      problems.push(`${name}_PREVIOUS: must differ from ${name}`);
    }
    return current === undefined ? undefined : { current, previous };
  }
  if (env.NODE_ENV === 'production') {
    problems.push(`${name}: is required in production (32 bytes; ${KEY_HINT})`);
    return undefined;
  }
  if (env.NODE_ENV === 'test') return { current: generateSealingKey(), previous };
  warnings.push(
    `${name} not set: sealing ${variables.seals} with a development key kept in ${devSecretsFile}. Never do this in production.`,
  );
  return { current: loadOrCreateDevSecrets(devSecretsFile)[variables.devField], previous };
}

function checkedKey(
  name: string,
  text: string | undefined,
  env: Env,
  problems: string[],
): string | undefined {
  if (text === undefined) return undefined;
  const key = decodeSealingKey(text)?.toString('base64url');
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
