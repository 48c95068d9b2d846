// Transport and browser security: HTTPS enforcement and HSTS, helmet's headers (the OWASP REST set on JSON, the full
// set on the docs page), the CORS allow-list, and no caching of anything the API answers (it carries tokens).
import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../config/config.js';
import { AppError } from '../errors/app-error.js';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

// Browsers ignore HSTS over plain HTTP, and sending it there would only mislead.
const hsts = helmet.strictTransportSecurity({ maxAge: ONE_YEAR_SECONDS, includeSubDomains: true });

/**
 * Over HTTPS, HSTS; otherwise, where production requires HTTPS, 403, except on `plainHttpPaths` (the probes, which
 * load balancers ask over plain HTTP). Routing is case-sensitive and strict, so the paths are compared exactly. One
 * step, so Express works out req.secure (the socket, and X-Forwarded-Proto from a TRUST_PROXY hop) once a request.
 */
export function transportSecurity(
  config: Config,
  plainHttpPaths: ReadonlySet<string>,
): RequestHandler {
  return (req, res, next) => {
    if (req.secure) {
      hsts(req, res, next);
      return;
    }
    if (config.http.requireHttps && !plainHttpPaths.has(req.path)) {
      throw new AppError('HTTPS_REQUIRED');
    }
    next();
  };
}

/**
 * Headers for every answer of the API, which are JSON: the set OWASP's REST Security Cheat Sheet names for API
 * responses (a CSP that lets nothing load or frame it, nosniff, X-Frame-Options DENY, no-store; HSTS comes from
 * transportSecurity). helmet's other defaults concern HTML documents (referrer, prefetch, legacy IE and Flash
 * headers); only the docs page, an HTML document, gets them (documentSecurityHeaders). Each header costs every
 * request (bench/README.md).
 */
export function apiSecurityHeaders(): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      xFrameOptions: { action: 'deny' },
      strictTransportSecurity: false,
      crossOriginOpenerPolicy: false,
      crossOriginResourcePolicy: false,
      originAgentCluster: false,
      referrerPolicy: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
      // The app never sets X-Powered-By (app.ts), so there is nothing for helmet to remove on every answer.
      xPoweredBy: false,
    }),
    (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
  ];
}

/** helmet's full set, for the docs page (an HTML document): a strict CSP that allows only this server's assets. */
export function documentSecurityHeaders(config: Config): RequestHandler {
  return helmet({
    // Every answer over HTTPS carries HSTS already (transportSecurity).
    strictTransportSecurity: false,
    // Where plain HTTP is allowed (development, ALLOW_INSECURE_HTTP), upgrading the page's asset requests to https
    // would break it on any host but localhost.
    contentSecurityPolicy: {
      directives: { upgradeInsecureRequests: config.http.requireHttps ? [] : null },
    },
  });
}

export function corsPolicy(config: Config): RequestHandler {
  const allowed = new Set(config.http.corsOrigins);
  return cors({
    origin: allowed.has('*')
      ? '*'
      : (origin, callback) => {
          callback(null, origin !== undefined && allowed.has(origin));
        },
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Request-Id', 'X-Requested-With'],
    // Cookies cross origins only in cookie mode, and only ever to the named origins (a wildcard is refused then).
    credentials: config.refreshTokens.transport === 'cookie',
    exposedHeaders: [
      'X-Request-Id',
      'Retry-After',
      'RateLimit',
      'RateLimit-Policy',
      'WWW-Authenticate',
    ],
    maxAge: 600,
  });
}
