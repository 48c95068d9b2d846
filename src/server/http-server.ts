// The HTTP listener: starts it, and closes it gracefully: no new connections, in-flight requests finish, idle
// keep-alive connections are closed as soon as they go idle, and whatever remains at the deadline is cut.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerClientError } from './client-error-response.js';

export interface RunningServer {
  server: Server;
  address: AddressInfo;
  /** Resolves once every connection is closed; `forced` when the deadline cut some off. */
  close(deadlineMs: number): Promise<{ forced: boolean }>;
}

const IDLE_SWEEP_MS = 100;

export function startHttpServer(
  handler: RequestListener,
  listen: { host: string; port: number },
): Promise<RunningServer> {
  const server = createServer(handler);
  // Slow-loris limits: a client gets 10 s to send its headers and 30 s for the whole request.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('clientError', answerClientError);

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve({
        server,
        address: server.address() as AddressInfo,
        close: (deadlineMs) => close(server, deadlineMs),
      });
    });
  });
}

function close(server: Server, deadlineMs: number): Promise<{ forced: boolean }> {
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
