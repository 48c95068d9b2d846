// Throwaway self-signed certificates for 127.0.0.1, made with openssl (Debian's package), for the TLS tests. Without
// openssl describeWithService says why and skips; REQUIRE_OPENSSL=1 (set by .ci/run) makes that a failure instead.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { serviceFound, serviceMissing, type ServiceSearch } from './required-service.js';

const OPENSSL = { name: 'openssl', requiredBy: 'REQUIRE_OPENSSL' } as const;

export function findOpenSsl(): ServiceSearch<'openssl'> {
  return spawnSync('openssl', ['version']).status === 0
    ? serviceFound(OPENSSL, 'openssl')
    : serviceMissing(OPENSSL, 'openssl is not installed (apt-get install openssl)');
}

export interface CertificatePair {
  certFile: string;
  keyFile: string;
}

/** A fresh directory with one P-256 certificate and key per common name. */
export function makeCertificates(...commonNames: string[]): Record<string, CertificatePair> {
  const dir = mkdtempSync(join(tmpdir(), 'auth-tls-'));
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const pairs: Record<string, CertificatePair> = {};
  for (const name of commonNames) {
    const certFile = join(dir, `${name}.crt`);
    const keyFile = join(dir, `${name}.key`);
    const result = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]);
    if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr.toString()}`);
    pairs[name] = { certFile, keyFile };
  }
  return pairs;
}
