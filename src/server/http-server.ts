// The HTTP listener: starts it, and closes it gracefully: no new connections, in-flight requests finish, idle
// keep-alive connections are closed as soon as they go idle, and whatever remains at the deadline is cut.
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { answerClientError } from './client-error-response.js';
import type { TlsCredentials } from './tls-credentials.js';

export interface RunningServer {
  server: Server | TlsServer;
  address: AddressInfo;
  /** Resolves once every connection is closed; `forced` when the deadline cut some off. */
  close(deadlineMs: number): Promise<{ forced: boolean }>;
  /**
   * Serves new connections with these credentials (HTTPS only). Open connections keep the certificate they
   * negotiated, so nothing is dropped.
   */
  replaceTlsCredentials(credentials: TlsCredentials): void;
}

const IDLE_SWEEP_MS = 100;

/** Slow-loris limits: how long a client may take to send its headers, and its whole request. */
export interface SlowClientLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

const SLOW_CLIENT_LIMITS: SlowClientLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

/**
 * Node enforces both limits only when it checks its open connections, every 30 s by default, so a slow client kept
 * its connection until the next check: headers were cut at ~30 s, bodies at 30-60 s. Checking every second holds
 * each limit to within 1 s; a check walks the list of open connections in C++, a negligible cost once a second.
 * Node reads the interval only when the server is created, hence an option rather than a property set after.
 */
const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;

/** Listens over HTTPS when given TLS credentials, plain HTTP otherwise. */
export function startHttpServer(
  handler: RequestListener,
  listen: { host: string; port: number },
  tls?: TlsCredentials,
  limits: SlowClientLimits = SLOW_CLIENT_LIMITS,
): Promise<RunningServer> {
  const checking = { connectionsCheckingInterval: CONNECTIONS_CHECK_INTERVAL_MS };
  const server =
    tls === undefined
      ? createServer(checking, handler)
      : createTlsServer({ ...tls, ...checking }, handler);
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.on('clientError', answerClientError);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve({
        server,
        address: server.address() as AddressInfo,
        close: (deadlineMs) => close(server, deadlineMs),
        replaceTlsCredentials: (credentials) => {
          if (!('setSecureContext' in server))
            throw new Error('the server is not listening over TLS');
          server.setSecureContext(credentials);
        },
      });
    });
  });
}

function close(server: Server | TlsServer, deadlineMs: number): Promise<{ forced: boolean }> {
  return new Promise((resolve) => {
    let forced = false;
    // A keep-alive connection goes idle after its in-flight response; close it then rather than at its timeout.
    const idleSweep = setInterval(() => {
      server.closeIdleConnections();
    }, IDLE_SWEEP_MS);
    const deadline = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
    }, deadlineMs);
    // Stops accepting, and (Node >= 19) closes the connections that are idle right now.
    server.close(() => {
      clearInterval(idleSweep);
      clearTimeout(deadline);
      resolve({ forced });
    });
  });
}
