// Prometheus metrics (prom-client) in a registry of the app's own: process metrics, request durations by route and
// status, and counters of auth events. Auth counters are fed by the audit log, so an event and its count can never
// disagree.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { MFA_FAILURE_REASONS, type AuditEvent } from './audit-event.js';
import { createRequestDurationHistogram } from './request-duration-histogram.js';

export interface Metrics {
  readonly registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  countAuditEvent(event: AuditEvent, fields: Record<string, unknown>): void;
  countRateLimited(limit: string): void;
  /** One outbox delivery attempt that went out or will be retried (a dead mail is counted from its audit line). */
  countMailAttempt(kind: string, result: 'sent' | 'retry'): void;
  /** Starts the mail series of these kinds at 0 (the kinds are the mail layer's, above this one). */
  declareMailKinds(kinds: readonly string[]): void;
  setMailOutboxPending(count: number): void;
  /**
   * Reports auth_jwt_active_key_age_seconds at each scrape: how long the ES256 key that signs now has been signing
   * (`activeSince`, read then, so a promotion shows at once). Not called for HS256, which has no key to age.
   */
  measureActiveKeyAge(activeSince: () => Date | undefined, now: () => number): void;
}

export interface MetricsOptions {
  /** CPU, memory, event-loop lag, GC: on for the real process, off for the many apps tests build. */
  processMetrics: boolean;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers: [registry] });

  const requestDuration = createRequestDurationHistogram(registry, {
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route pattern and status.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  const registrations = counter('auth_registrations_total', 'Accounts created.');
  const logins = counter('auth_logins_total', 'Login attempts by outcome and failure reason.', [
    'outcome',
    'reason',
  ]);
  const lockouts = counter(
    'auth_lockouts_total',
    "Locks after repeated wrong passwords, by scope: an account's untrusted clients, one device, one session.",
    ['scope'],
  );
  const refreshes = counter('auth_token_refreshes_total', 'Refresh-token rotations.', ['outcome']);
  const reuse = counter(
    'auth_refresh_reuse_total',
    'Rotated refresh tokens presented again, by outcome: graced (inside the reuse grace: answered with the ' +
      'same successor) or revoked (reuse: the session was ended and the owner told).',
    ['outcome'],
  );
  const logouts = counter('auth_logouts_total', 'Sessions ended by their users.', ['scope']);
  const passwordChanges = counter('auth_password_changes_total', 'Passwords changed.');
  const deletions = counter('auth_account_deletions_total', 'Accounts deleted.');
  const mailSent = counter(
    'auth_mail_sent_total',
    'Outbox delivery attempts by mail kind and result: sent, retry (failed, to be tried again), dead (given up).',
    ['kind', 'result'],
  );
  const mailPending = new Gauge({
    name: 'auth_mail_outbox_pending',
    help: 'Mails waiting in the outbox (due or retrying), as the outbox worker last counted them.',
    registers: [registry],
  });
  // Registered on first use: an HS256 app has no signing key to age, so no series rather than a misleading 0.
  let keyAgeSource: { activeSince: () => Date | undefined; now: () => number } | undefined;
  const registerKeyAgeGauge = () =>
    new Gauge({
      name: 'auth_jwt_active_key_age_seconds',
      help: 'Seconds since the ES256 key that signs access tokens now started signing.',
      registers: [registry],
      collect() {
        const since = keyAgeSource?.activeSince();
        if (keyAgeSource === undefined || since === undefined) this.reset();
        else this.set(Math.max(0, (keyAgeSource.now() - since.getTime()) / 1000));
      },
    });
  const mfaFailures = counter(
    'auth_mfa_failures_total',
    'Second-factor codes refused, by reason: code_invalid (wrong, or a recovery code that is not one), ' +
      'code_replayed (a TOTP code of a step already used), locked (refused unchecked: 10 failures in 15 minutes).',
    ['reason'],
  );
  const mfaLocks = counter(
    'auth_mfa_locks_total',
    'Accounts whose second factor locked after 10 wrong codes in 15 minutes (each lock once).',
  );
  const rateLimited = counter('http_rate_limited_total', 'Requests refused by a rate limit.', [
    'limit',
  ]);

  // Every counter starts at 0 with its labels, so alert expressions see a series before the first event.
  logins.labels('success', 'none').inc(0);
  for (const reason of ['wrong_password', 'unknown_email', 'locked', 'email_not_verified']) {
    logins.labels('failure', reason).inc(0);
  }
  for (const outcome of ['rotated', 'grace']) refreshes.labels(outcome).inc(0);
  for (const outcome of ['graced', 'revoked']) reuse.labels(outcome).inc(0);
  for (const scope of ['untrusted', 'device', 'session']) lockouts.labels(scope).inc(0);
  for (const scope of ['session', 'all']) logouts.labels(scope).inc(0);
  for (const reason of MFA_FAILURE_REASONS) mfaFailures.labels(reason).inc(0);
  const limits = ['login', 'register', 'refresh', 'api', 'forgot', 'reset', 'resend', 'verify'];
  for (const limit of limits) rateLimited.labels(limit).inc(0);

  /** The counter (with its labels) each audit event adds one to. */
  const counterFor: Partial<
    Record<AuditEvent, (fields: Record<string, unknown>) => { inc(): void }>
  > = {
    register: () => registrations,
    'login.success': () => logins.labels('success', 'none'),
    'login.failure': (fields) => logins.labels('failure', String(fields.reason)),
    'login.lockout': (fields) => lockouts.labels(String(fields.clientClass)),
    'reauth.lockout': () => lockouts.labels('session'),
    'token.refresh': () => refreshes.labels('rotated'),
    'token.refresh_in_grace': () => ({
      inc() {
        refreshes.labels('grace').inc();
        reuse.labels('graced').inc();
      },
    }),
    'token.reuse_detected': () => reuse.labels('revoked'),
    logout: () => logouts.labels('session'),
    'session.revoked': () => logouts.labels('session'),
    logout_all: () => logouts.labels('all'),
    'password.changed': () => passwordChanges,
    'account.deleted': () => deletions,
    'mail.dead': (fields) => mailSent.labels(String(fields.kind), 'dead'),
    'mfa.failed': (fields) => mfaFailures.labels(String(fields.reason)),
    'mfa.locked': () => mfaLocks,
  };

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requestDuration.observe(method, route, status, seconds);
    },
    countAuditEvent(event, fields) {
      counterFor[event]?.(fields).inc();
    },
    countRateLimited(limit) {
      rateLimited.labels(limit).inc();
    },
    countMailAttempt(kind, result) {
      mailSent.labels(kind, result).inc();
    },
    declareMailKinds(kinds) {
      for (const kind of kinds) {
        for (const result of ['sent', 'retry', 'dead']) mailSent.labels(kind, result).inc(0);
      }
    },
    setMailOutboxPending(count) {
      mailPending.set(count);
    },
    measureActiveKeyAge(activeSince, now) {
      if (keyAgeSource === undefined) registerKeyAgeGauge();
      keyAgeSource = { activeSince, now };
    },
  };
}
