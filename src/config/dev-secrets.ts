// Development with no secrets configured: generate strong ones once and keep them on disk, so tokens survive a restart.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export interface SecretPair {
  access: string;
  refresh: string;
}

const storedSecrets = z.object({ access: z.string().min(32), refresh: z.string().min(32) });

export function generateSecret(): string {
  return randomBytes(48).toString('base64url');
}

export function generateSecretPair(): SecretPair {
  return { access: generateSecret(), refresh: generateSecret() };
}

/** Reads the pair from `file`, or creates the file (mode 0600) with a fresh pair when it is missing or unreadable. */
export function loadOrCreateDevSecrets(file: string): SecretPair {
  try {
    const parsed = storedSecrets.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success && parsed.data.access !== parsed.data.refresh) return parsed.data;
  } catch {
    // Missing or unreadable: write a new pair below.
  }
  const pair = generateSecretPair();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(pair, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created; a replaced file keeps its old mode otherwise.
  chmodSync(file, 0o600);
  return pair;
}
