// The certificate and key for native TLS, read from disk and checked before use: at start (a bad pair stops the
// process) and on SIGHUP (a bad pair is refused and the current one kept).
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { X509Certificate } from 'node:crypto';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** TLS 1.0 and 1.1 are broken; 1.2 is the oldest version still safe to offer. */
export const MIN_TLS_VERSION = 'TLSv1.2';

export interface TlsCredentials extends SecureContextOptions {
  cert: Buffer;
  key: Buffer;
  minVersion: typeof MIN_TLS_VERSION;
  /** What the certificate says of itself, for the log line that confirms a (re)load. */
  summary: { subject: string; validTo: string; fingerprint256: string };
}

/** Reads and checks the pair; throws with a message naming the file when either is unreadable or they do not match. */
export function loadTlsCredentials(files: TlsFiles): TlsCredentials {
  const cert = readFileSync(files.certFile);
  const key = readFileSync(files.keyFile);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    throw new Error(`TLS_CERT_FILE ${files.certFile} is not a PEM certificate`, { cause: error });
  }
  try {
    // Parses the key and checks that it belongs to the certificate.
    createSecureContext({ cert, key, minVersion: MIN_TLS_VERSION });
  } catch (error) {
    throw new Error(`TLS_KEY_FILE ${files.keyFile} is not the key of ${files.certFile}`, {
      cause: error,
    });
  }
  return {
    cert,
    key,
    minVersion: MIN_TLS_VERSION,
    summary: {
      subject: certificate.subject,
      validTo: certificate.validTo,
      fingerprint256: certificate.fingerprint256,
    },
  };
}
