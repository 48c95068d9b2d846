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
  | 'mail.dead';
