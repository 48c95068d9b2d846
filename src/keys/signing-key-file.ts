// One ES256 signing key on disk (DESIGN section 10): a private JWK with its state, in `<kid>.json` under JWT_KEYS_DIR,
// readable by its owner only. The kid is the key's RFC 7638 thumbprint, so it names the key itself and two files can
// never claim one key under different names. Reading refuses anything a mistake or an attacker could have left there:
// a file others can read, another key type or curve, a kid that is not the thumbprint, a state we do not know.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** next: published, not signing yet; active: signs (exactly one); retiring: published, verifies, signs no more. */
export type KeyState = 'next' | 'active' | 'retiring';

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/);

const privateJwkSchema = z.strictObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: base64url,
  y: base64url,
  d: base64url,
});

const keyFileSchema = z.strictObject({
  kid: base64url,
  state: z.enum(['next', 'active', 'retiring']),
  /** When it was created, and so published: from then on it is in the JWKS. */
  createdAt: z.iso.datetime(),
  /** When it started signing. */
  activatedAt: z.iso.datetime().nullable(),
  /** When it stopped signing: the last token it signed expires an access-token lifetime later. */
  retiredAt: z.iso.datetime().nullable(),
  jwk: privateJwkSchema,
});

export type SigningKeyFile = z.infer<typeof keyFileSchema>;

export interface SigningKey {
  kid: string;
  state: KeyState;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public members only, as the JWKS publishes them. */
  publicJwk: {
    kty: 'EC';
    crv: 'P-256';
    x: string;
    y: string;
    kid: string;
    alg: 'ES256';
    use: 'sig';
  };
}

export class KeyFileError extends Error {}

/** RFC 7638: SHA-256 over the required public members in lexicographic order, base64url. */
export function jwkThumbprint(jwk: { crv: string; kty: string; x: string; y: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

export const keyFileName = (kid: string) => `${kid}.json`;

/** A new P-256 key in state `next`, created at `now`. */
export function newKeyFile(now: Date): SigningKeyFile {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const exported = privateKey.export({ format: 'jwk' });
  const jwk = privateJwkSchema.parse({
    kty: exported.kty,
    crv: exported.crv,
    x: exported.x,
    y: exported.y,
    d: exported.d,
  });
  return {
    kid: jwkThumbprint(jwk),
    state: 'next',
    createdAt: now.toISOString(),
    activatedAt: null,
    retiredAt: null,
    jwk,
  };
}

/** Reads and checks one key file; throws KeyFileError naming the file and what is wrong. */
export function readKeyFile(path: string): SigningKey {
  const problem = (what: string) => new KeyFileError(`${path}: ${what}`);
  // Group or others may not even read it: a private key readable by another account is already another's key.
  if ((statSync(path).mode & 0o077) !== 0) {
    throw problem('is readable or writable by group or others; run chmod 600 on it');
  }
  let parsed: SigningKeyFile;
  try {
    parsed = keyFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw problem(`is not an ES256 (P-256) signing key file: ${describe(error)}`);
  }
  if (jwkThumbprint(parsed.jwk) !== parsed.kid) throw problem('its kid is not its key thumbprint');
  if (!path.endsWith(keyFileName(parsed.kid)))
    throw problem(`must be named ${keyFileName(parsed.kid)}`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: parsed.jwk, format: 'jwk' });
  } catch (error) {
    throw problem(`holds no usable P-256 private key: ${describe(error)}`);
  }
  const { x, y } = parsed.jwk;
  return {
    kid: parsed.kid,
    state: parsed.state,
    createdAt: new Date(parsed.createdAt),
    activatedAt: parsed.activatedAt === null ? null : new Date(parsed.activatedAt),
    retiredAt: parsed.retiredAt === null ? null : new Date(parsed.retiredAt),
    privateKey,
    publicKey: createPublicKey(privateKey),
    publicJwk: { kty: 'EC', crv: 'P-256', x, y, kid: parsed.kid, alg: 'ES256', use: 'sig' },
  };
}

/** Writes the file with mode 0600, through a temporary name, so a reader never sees half a key. */
export function writeKeyFile(dir: string, file: SigningKeyFile): string {
  const path = join(dir, keyFileName(file.kid));
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(keyFileSchema.parse(file), null, 2)}\n`, {
    mode: 0o600,
  });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
  return path;
}

function describe(error: unknown): string {
  if (error instanceof z.ZodError) {
    return error.issues
      .map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`)
      .join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}
