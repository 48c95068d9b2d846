// SIGHUP reloads the certificate and key from disk (e.g. after a renewal): new connections get the new pair, open
// ones keep theirs, and a pair that does not load is refused with one clear error while the current one stays.
import type { Logger } from '../observability/logger.js';
import type { RunningServer } from './http-server.js';
import { loadTlsCredentials, type TlsFiles } from './tls-credentials.js';

export function reloadTlsOnSighup(
  server: Pick<RunningServer, 'replaceTlsCredentials'>,
  files: TlsFiles | undefined,
  logger: Logger,
): void {
  // Handled even without TLS: SIGHUP's default action would end the process.
  process.on('SIGHUP', () => {
    if (files === undefined) {
      logger.info('SIGHUP ignored: no TLS_CERT_FILE to reload');
      return;
    }
    try {
      const credentials = loadTlsCredentials(files);
      server.replaceTlsCredentials(credentials);
      logger.info({ certificate: credentials.summary }, 'TLS certificate reloaded');
    } catch (error) {
      logger.error(
        { err: error },
        'TLS certificate reload failed; still serving the previous certificate',
      );
    }
  });
}
