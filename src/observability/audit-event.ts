// The names of the security-relevant events the audit log records and the metrics count: declared here, below both,
// so neither has to import the other for them.

export type AuditEvent =
  | 'register'
  | 'login.success'
  | 'login.failure'
  | 'login.lockout'
  | 'reauth.lockout'
  | 'token.refresh'
  | 'token.refresh_in_grace'
  | 'token.reuse_detected'
  | 'logout'
  | 'logout_all'
  | 'session.revoked'
  | 'password.changed'
  | 'password.forgot'
  | 'password.reset'
  | 'email.verified'
  | 'email.change.requested'
  | 'email.change.confirmed'
  | 'account.deleted'
  | 'jwks.key.created'
  | 'jwks.key.promoted'
  | 'jwks.key.retired'
  | 'mail.dead'
  | 'mfa.setup_started'
  | 'mfa.enabled'
  | 'mfa.disabled'
  | 'mfa.challenged'
  | 'mfa.failed'
  | 'mfa.locked'
  | 'mfa.recovery_code_used'
  | 'mfa.recovery_codes_regenerated';

/** Why a second-factor code was refused: the `reason` of `mfa.failed`, and the label of auth_mfa_failures_total. */
export const MFA_FAILURE_REASONS = ['code_invalid', 'code_replayed', 'locked'] as const;

export type MfaFailureReason = (typeof MFA_FAILURE_REASONS)[number];
