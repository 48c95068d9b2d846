// What the socket says about a request when no proxy is trusted: the client's address (req.ip) and whether it came
// over TLS (req.protocol, and so req.secure). Express's getters consult the trust-proxy function on every read, and
// req.ip runs proxy-addr over X-Forwarded-For, only to answer the socket's facts when no hop is trusted. The rate
// limiter reads the address and the transport check the protocol on every request, so the detour showed in the
// profile route's cost (bench/README.md, `24e2552`).
import type { TLSSocket } from 'node:tls';
import type { Express, Request } from 'express';
import type { TrustProxy } from '../config/trust-proxy.js';

export function readSocketFactsUnlessProxied(app: Express, trustProxy: TrustProxy): void {
  if (trustProxy !== false) return;
  Object.defineProperties(app.request, {
    ip: {
      configurable: true,
      enumerable: true,
      get(this: Request) {
        return this.socket.remoteAddress;
      },
    },
    protocol: {
      configurable: true,
      enumerable: true,
      get(this: Request) {
        return (this.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
      },
    },
  });
}
