// Access tokens an attacker might build against an ES256 verifier: the real claims under another header, another
// algorithm, another key, or a signature in another shape. Signed with node:crypto directly, so nothing a JWT
// library would refuse to produce is out of reach.
import { createHmac, generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import { jwkThumbprint } from '../../src/keys/signing-key-file.js';
import { decodeHeader, decodePayload } from './forged-tokens.js';

const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');

/** `header.payload.signature`, the signature made over the first two parts by `signer`. */
export function forge(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signer: (input: Buffer) => Buffer,
): string {
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${signer(Buffer.from(input)).toString('base64url')}`;
}

/** The claims and header of `token` with `changes` to the header, signed by `signer`. */
export function resignedWith(
  token: string,
  headerChanges: Record<string, unknown>,
  signer: (input: Buffer) => Buffer,
): string {
  return forge({ ...decodeHeader(token), ...headerChanges }, decodePayload(token), signer);
}

export const es256Signer = (key: KeyObject) => (input: Buffer) =>
  sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' });

export const hmacSigner = (secret: string | Buffer) => (input: Buffer) =>
  createHmac('sha256', secret).update(input).digest();

/** A P-256 key pair of the attacker's own, with its public JWK and RFC 7638 kid. */
export function attackerKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const jwk = { kty: kty ?? '', crv: crv ?? '', x: x ?? '', y: y ?? '' };
  return { privateKey, publicKey, jwk, kid: jwkThumbprint(jwk) };
}

/** Signers for the algorithms a token might claim instead of ES256, each with a key of the right kind. */
export function otherAlgorithmSigners(): Record<string, (input: Buffer) => Buffer> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ed25519 = generateKeyPairSync('ed25519').privateKey;
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
  return {
    RS256: (input) => sign('sha256', input, rsa),
    PS256: (input) =>
      sign('sha256', input, { key: rsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
    EdDSA: (input) => sign(null, input, ed25519),
    ES384: (input) => sign('sha384', input, { key: p384, dsaEncoding: 'ieee-p1363' }),
  };
}

/** A JOSE ES256 signature (r || s, 32 bytes each) as the DER SEQUENCE of two INTEGERs that OpenSSL speaks. */
export function joseToDer(signature: Buffer): Buffer {
  const integer = (bytes: Buffer) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
    let value = bytes.subarray(start);
    if ((value[0] ?? 0) & 0x80) value = Buffer.concat([Buffer.from([0]), value]);
    return Buffer.concat([Buffer.from([0x02, value.length]), value]);
  };
  const body = Buffer.concat([integer(signature.subarray(0, 32)), integer(signature.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** The token with its signature part replaced by `signature`. */
export function withSignature(token: string, signature: Buffer): string {
  const [header, payload] = token.split('.');
  return `${header ?? ''}.${payload ?? ''}.${signature.toString('base64url')}`;
}

export const signatureOf = (token: string) => Buffer.from(token.split('.')[2] ?? '', 'base64url');
