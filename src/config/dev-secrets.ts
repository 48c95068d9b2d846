// Development with no secrets configured: generate strong ones once and keep them on disk, so tokens (and queued
// mail) survive a restart.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export interface SecretPair {
  access: string;
  refresh: string;
}

export interface DevSecrets extends SecretPair {
  /** The key that seals queued mail: 32 random bytes, base64url. */
  outboxKey: string;
  /** The key that seals TOTP secrets: 32 random bytes, base64url. */
  mfaKey: string;
}

const storedSecrets = z.object({
  access: z.string().min(32),
  refresh: z.string().min(32),
  // Files written before the outbox or the second factor existed lack their keys: these are added and the file
  // rewritten, the secrets already there kept.
  outboxKey: z.string().optional(),
  mfaKey: z.string().optional(),
});

export function generateSecret(): string {
  return randomBytes(48).toString('base64url');
}

export function generateSecretPair(): SecretPair {
  return { access: generateSecret(), refresh: generateSecret() };
}

/** 32 random bytes, base64url: a sealing key (OUTBOX_KEY, MFA_ENCRYPTION_KEY). */
export function generateSealingKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Reads the secrets from `file`, or creates the file (mode 0600) with fresh ones when it is missing or unreadable. */
export function loadOrCreateDevSecrets(file: string): DevSecrets {
  let kept: z.infer<typeof storedSecrets> | undefined;
  try {
    const parsed = storedSecrets.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success && parsed.data.access !== parsed.data.refresh) {
      const { access, refresh, outboxKey, mfaKey } = parsed.data;
      if (outboxKey !== undefined && mfaKey !== undefined) {
        return { access, refresh, outboxKey, mfaKey };
      }
      kept = parsed.data;
    }
  } catch {
    // Missing or unreadable: write new secrets below.
  }
  const secrets: DevSecrets = {
    ...(kept ?? generateSecretPair()),
    outboxKey: kept?.outboxKey ?? generateSealingKey(),
    mfaKey: kept?.mfaKey ?? generateSealingKey(),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created; a replaced file keeps its old mode otherwise.
  chmodSync(file, 0o600);
  return secrets;
}
