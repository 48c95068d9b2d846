// The environment of a production deployment that starts: strong random secrets, a CORS allow-list, a trusted proxy
// for its HTTPS path, and mail settings (an SMTP server nothing listens on: mail waits in the outbox). Each test
// overrides only what it is about (undefined removes a variable).
import { randomBytes } from 'node:crypto';

/** A secret production accepts: 48 random bytes, base64. */
export const strongSecret = (): string => randomBytes(48).toString('base64');

export function productionEnv(overrides?: Record<string, string>): Record<string, string>;
export function productionEnv(overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function productionEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'production',
    JWT_ACCESS_SECRET: strongSecret(),
    JWT_REFRESH_SECRET: strongSecret(),
    CORS_ORIGINS: 'https://app.example.com',
    TRUST_PROXY: '1',
    APP_URL: 'https://app.example.com',
    MAIL_TRANSPORT: 'smtp',
    SMTP_URL: 'smtp://127.0.0.1:1',
    MAIL_FROM: 'Example <no-reply@example.com>',
    OUTBOX_KEY: randomBytes(32).toString('base64'),
    MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...overrides,
  };
}
