// The client's address (req.ip) read straight from the socket when no proxy is trusted. Express's getter runs
// proxy-addr over X-Forwarded-For on every read and, trusting no hop, answers the socket's peer anyway; the rate
// limiter reads it on every request, and the parse cost GET /api/auth/profile about 2.5 µs (bench/README.md).
import type { Express, Request } from 'express';
import type { TrustProxy } from '../config/trust-proxy.js';

export function useSocketAddressUnlessProxied(app: Express, trustProxy: TrustProxy): void {
  if (trustProxy !== false) return;
  Object.defineProperty(app.request, 'ip', {
    configurable: true,
    enumerable: true,
    get(this: Request) {
      return this.socket.remoteAddress;
    },
  });
}
