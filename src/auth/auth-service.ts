// The auth use cases: register, login, refresh, logout, and the access check behind every protected route.
// Each reads as its steps; the detail of each step lives in its own small function or module.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { AppError } from '../errors/app-error.js';
import type { AuditLog } from '../observability/audit-log.js';
import type {
  AuthenticationMethod,
  LiveSession,
  RefreshTokenRecord,
  ReuseGrace,
  SessionStore,
} from '../storage/ports/session-store.js';
import type { UserRecord, UserStore } from '../storage/ports/user-store.js';
import type { LoginInput, RegisterInput } from './auth-schemas.js';
import type { ClientContext } from './client-context.js';
import type { DeviceTokens } from './device-tokens.js';
import type { PasswordVerifier } from './password-verifier.js';
import type { PasswordHasher } from './passwords/password-hasher.js';
import type { ReuseResponse } from './refresh-reuse-response.js';
import type { MfaChallenge, SecondFactorGate } from './second-factor-gate.js';
import { toRefreshTokenRecord, toTokenPair, type TokenPair } from './token-pair.js';
import type { AccessTokenClaims, RefreshTokenClaims } from './tokens/token-claims.js';
import { hashRefreshToken, type TokenService } from './tokens/token-service.js';

export interface AuthServiceDeps {
  users: UserStore;
  sessions: SessionStore;
  hasher: PasswordHasher;
  tokens: TokenService;
  clock: Clock;
  audit: AuditLog;
  verifyPassword: PasswordVerifier;
  devices: DeviceTokens;
  sessionMaxAgeSeconds: number;
  /** How long, and how often, the token just rotated still gets its successor (two tabs refreshing at once). */
  reuseGrace: ReuseGrace;
  /** What a used refresh token coming back outside the grace sets off. */
  respondToReuse: ReuseResponse;
  /** Whether sign-in needs a verified address (REQUIRE_EMAIL_VERIFICATION). */
  requireEmailVerification: boolean;
  /** What a feature above auth does with each new account (recovery mails it a verification link). */
  onRegistered?: RegistrationHook;
  /** Asks accounts with a second factor for it before any token (mfa/); without it, the password signs in. */
  secondFactor?: SecondFactorGate;
}

/** A finished sign-in: the account, its new session's pair, and the device token the client keeps. */
export interface SignedIn {
  user: UserRecord;
  tokens: TokenPair;
  deviceToken: string;
}

/** A login answers a finished sign-in, or (for an account with a second factor) the step that finishes it. */
export type LoginResult = { signedIn: SignedIn } | { mfaRequired: MfaChallenge };

/**
 * Called once the account exists, in the registration's request. It runs before the answer, so what it stores (the
 * queued mail) is stored when the client hears 201; if it fails, the registration answers the error although the
 * account exists, and the client can ask for the mail again (the resend route).
 */
export type RegistrationHook = (user: UserRecord, client: ClientContext) => Promise<void>;

export interface AuthService {
  register(input: RegisterInput, client: ClientContext): Promise<UserRecord>;
  /**
   * Checks the password and signs in, or asks for the second factor. The device token of a finished sign-in is the
   * one the client presented (kept) or a new one for this device.
   */
  login(input: LoginInput, client: ClientContext): Promise<LoginResult>;
  /**
   * Finishes a sign-in whose every factor was checked (`amr` says which): opens the session, issues its pair, and
   * keeps the device `deviceId` trusted (or trusts this one from now on).
   */
  completeSignIn(
    user: UserRecord,
    client: ClientContext,
    amr: readonly AuthenticationMethod[],
    deviceId: string | undefined,
  ): Promise<SignedIn>;
  /** Opens a new session for an account already signed in (a change of its factors re-issues the caller's). */
  openSession(
    user: UserRecord,
    client: ClientContext,
    amr: readonly AuthenticationMethod[],
  ): Promise<TokenPair>;
  refresh(refreshToken: string, client: ClientContext): Promise<TokenPair>;
  logout(refreshToken: string, client: ClientContext): Promise<void>;
  /** The live session and user behind an access token; throws TOKEN_INVALID, TOKEN_EXPIRED or SESSION_REVOKED. */
  authenticate(accessToken: string): Promise<LiveSession & { claims: AccessTokenClaims }>;
}

export function createAuthService(deps: AuthServiceDeps): AuthService {
  const { users, sessions, hasher, tokens, clock, audit, verifyPassword, devices } = deps;
  const now = () => new Date(clock.now());

  /** SESSION_REVOKED, with why the session ended when the store still knows (a client shows it, stops retrying). */
  async function sessionRevoked(sessionId: string): Promise<AppError> {
    const ended = await sessions.findSession(sessionId);
    // A session neither revoked nor expired that is not live belongs to a deleted account: deletion marks the account
    // before it ends the sessions, and a request in between sees just that.
    const unexpired = ended !== undefined && ended.expiresAt.getTime() > clock.now();
    const reason = ended?.revokedReason ?? (unexpired ? 'account_deleted' : undefined);
    return new AppError('SESSION_REVOKED', reason === undefined ? {} : { reason });
  }

  /**
   * After BCRYPT_ROUNDS changes, a stored hash of the old cost makes this account's logins take another time than
   * an unknown email's (compared against a dummy of the new cost): the right password re-hashes it at once.
   */
  async function rehashIfCostChanged(user: UserRecord, password: string): Promise<void> {
    if (!hasher.needsRehash(user.passwordHash)) return;
    await users.rehashPassword(user.id, user.passwordHash, await hasher.hash(password), now());
  }

  async function openSession(
    user: UserRecord,
    client: ClientContext,
    amr: readonly AuthenticationMethod[],
  ): Promise<TokenPair> {
    const createdAt = now();
    const session = {
      id: randomUUID(),
      userId: user.id,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + deps.sessionMaxAgeSeconds * 1000),
      userAgent: client.userAgent,
      ip: client.ip,
      amr,
    };
    const owner = { userId: user.id, sessionId: session.id };
    const refresh = tokens.issueRefreshToken({ ...owner, notAfter: session.expiresAt });
    await sessions.openSession(session, toRefreshTokenRecord(refresh, owner));
    const access = tokens.issueAccessToken({
      ...owner,
      role: user.role,
      emailVerified: user.emailVerified,
      amr,
      notAfter: session.expiresAt,
    });
    return toTokenPair(access, refresh);
  }

  async function completeSignIn(
    user: UserRecord,
    client: ClientContext,
    amr: readonly AuthenticationMethod[],
    deviceId: string | undefined,
  ): Promise<SignedIn> {
    const tokens = await openSession(user, client, amr);
    audit.record('login.success', {
      userId: user.id,
      device: deviceId !== undefined,
      amr,
      ...client,
    });
    // A device that signed in keeps its token; any other gets one now.
    const deviceToken =
      deviceId === undefined ? devices.issue(user.email) : devices.tokenOf(user.email, deviceId);
    return { user, tokens, deviceToken };
  }

  function verifiedRefreshClaims(refreshToken: string): RefreshTokenClaims {
    const verification = tokens.verifyRefreshToken(refreshToken);
    if (verification.status === 'expired') throw new AppError('REFRESH_TOKEN_EXPIRED');
    if (verification.status === 'invalid') throw new AppError('REFRESH_TOKEN_INVALID');
    return verification.claims;
  }

  /**
   * A replay inside the grace gets the successor its token was replaced by, signed again byte for byte, so parallel
   * tabs converge on one token. Should the refresh key have changed since, the same token cannot be made again: the
   * replay is refused without ending the session.
   */
  const withinGrace = (usedAt: Date) => clock.now() - usedAt.getTime() <= deps.reuseGrace.windowMs;

  function gracedToken(successor: RefreshTokenRecord) {
    const again = tokens.reissueRefreshToken(successor);
    if (again.tokenHash !== successor.tokenHash) throw new AppError('REFRESH_TOKEN_INVALID');
    return again;
  }

  return {
    async register(input, client) {
      const passwordHash = await hasher.hash(input.password);
      const created = await users.createUser({
        id: randomUUID(),
        email: input.email,
        name: input.name,
        role: 'user',
        passwordHash,
        createdAt: now(),
      });
      if (created.outcome === 'email-taken') throw new AppError('EMAIL_TAKEN');
      audit.record('register', { userId: created.user.id, ...client });
      await deps.onRegistered?.(created.user, client);
      return created.user;
    },

    async login(input, client) {
      const user = await users.findLiveUserByEmail(input.email);
      const deviceId = devices.deviceIdOf(input.deviceToken, input.email);
      const verification = await verifyPassword.signIn({
        email: input.email,
        password: input.password,
        storedHash: user?.passwordHash,
        deviceId,
        client,
      });
      if (!user || !verification.ok) {
        const reason = verification.ok ? 'unknown_email' : verification.reason;
        audit.record('login.failure', { email: input.email, reason, ...client });
        throw new AppError('INVALID_CREDENTIALS');
      }
      await rehashIfCostChanged(user, input.password);
      // Only after the password: without it, this answer tells nobody anything about the account.
      if (deps.requireEmailVerification && !user.emailVerified) {
        audit.record('login.failure', {
          email: input.email,
          reason: 'email_not_verified',
          ...client,
        });
        throw new AppError('EMAIL_NOT_VERIFIED');
      }
      const challenge = await deps.secondFactor?.challenge(user, deviceId, client);
      if (challenge) return { mfaRequired: challenge };
      return { signedIn: await completeSignIn(user, client, ['pwd'], deviceId) };
    },

    completeSignIn,
    openSession,

    async refresh(refreshToken, client) {
      const claims = verifiedRefreshClaims(refreshToken);
      const live = await sessions.findLiveSession(claims.sid, now());
      if (!live || live.user.id !== claims.sub) throw await sessionRevoked(claims.sid);
      const owner = { userId: live.user.id, sessionId: live.session.id };
      const next = tokens.issueRefreshToken({ ...owner, notAfter: live.session.expiresAt });
      const rotation = await sessions.rotateRefreshToken(
        hashRefreshToken(refreshToken),
        toRefreshTokenRecord(next, owner),
        now(),
        deps.reuseGrace,
      );
      let refresh = next;
      switch (rotation.outcome) {
        case 'rotated':
          audit.record('token.refresh', { ...owner, ...client });
          break;
        case 'graced':
          refresh = gracedToken(rotation.successor);
          audit.record('token.refresh_in_grace', { ...owner, ...client });
          break;
        case 'reused':
          return deps.respondToReuse(rotation, client);
        case 'revoked':
          throw new AppError('SESSION_REVOKED', { reason: rotation.reason });
        case 'expired':
          throw new AppError('REFRESH_TOKEN_EXPIRED');
        case 'unknown':
          throw new AppError('REFRESH_TOKEN_INVALID');
      }
      const access = tokens.issueAccessToken({
        ...owner,
        role: live.user.role,
        emailVerified: live.user.emailVerified,
        amr: live.session.amr,
        notAfter: live.session.expiresAt,
      });
      return toTokenPair(access, refresh);
    },

    async logout(refreshToken, client) {
      verifiedRefreshClaims(refreshToken);
      const stored = await sessions.findRefreshToken(hashRefreshToken(refreshToken));
      if (!stored) throw new AppError('REFRESH_TOKEN_INVALID');
      const owner = { userId: stored.userId, sessionId: stored.sessionId };
      // A tab logging out with the token another tab just rotated means to log out, as a graced refresh means to
      // refresh; any older token is reuse.
      if (stored.usedAt !== null && !withinGrace(stored.usedAt)) {
        return deps.respondToReuse({ ...owner, usedAt: stored.usedAt }, client);
      }
      const ended = await sessions.revokeSession(stored.sessionId, 'logout', now());
      audit.record('logout', { ...owner, alreadyEnded: !ended, ...client });
    },

    async authenticate(accessToken) {
      const verification = tokens.verifyAccessToken(accessToken);
      if (verification.status === 'expired') throw new AppError('TOKEN_EXPIRED');
      if (verification.status === 'invalid') throw new AppError('TOKEN_INVALID');
      const { claims } = verification;
      const live = await sessions.findLiveSession(claims.sid, now());
      if (!live || live.user.id !== claims.sub) throw await sessionRevoked(claims.sid);
      return { ...live, claims };
    },
  };
}
