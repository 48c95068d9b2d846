// A slow-loris client with a bound on its own patience: it writes the start of a request at once, then one byte at a
// time, and waits for the server to answer and close the connection. When its patience runs out first it hangs up
// itself, and says so: a test then knows the server would have kept the connection open longer than that.
import type { Socket } from 'node:net';

export interface SlowClientOutcome {
  /** Whether the server ended the connection before the client's patience ran out. */
  closedByServer: boolean;
  /** Everything the server wrote back. */
  received: string;
}

export interface SlowRequest {
  /** Opens the connection; resolves once bytes can be written (after the TLS handshake, over TLS). */
  open: () => Promise<Socket>;
  /** Written as soon as the connection is open. */
  start: string;
  /** Then written one byte every `byteEveryMs`. */
  trickle: string;
  byteEveryMs: number;
  /** How long the client waits, from the moment the connection is open, before it hangs up itself. */
  patienceMs: number;
}

export async function sendSlowly(slow: SlowRequest): Promise<SlowClientOutcome> {
  const socket = await slow.open();
  return new Promise((resolve) => {
    let received = '';
    let sent = 0;
    let serverEnded = false;
    let finished = false;
    const finish = (closedByServer: boolean) => {
      if (finished) return;
      finished = true;
      clearInterval(dripping);
      clearTimeout(patience);
      socket.destroy();
      resolve({ closedByServer, received });
    };
    const dripping = setInterval(() => {
      // Once the server has ended its side, a further write would only fail with EPIPE.
      if (serverEnded || sent >= slow.trickle.length) return;
      socket.write(slow.trickle.charAt(sent));
      sent += 1;
    }, slow.byteEveryMs);
    const patience = setTimeout(() => {
      finish(false);
    }, slow.patienceMs);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    socket.on('end', () => {
      serverEnded = true;
      finish(true);
    });
    // A reset is the server closing the connection too (without a goodbye).
    socket.on('error', () => {
      finish(true);
    });
    socket.on('close', () => {
      finish(true);
    });
    socket.write(slow.start);
  });
}
