/**
 * Cookie sessions: `<id>.<secret>`, only SHA-256 of the secret stored, a new
 * session on every login, real revocation on logout. "Last active" is written
 * at most once per TOUCH_INTERVAL_MS per session, not on every request.
 */
import { SESSION_ID_PATTERN, digestsEqual, newSessionCredential, parseSessionCredential, sha256Hex } from '../crypto/secrets.js';
import { AppError } from '../errors.js';
import type { SecondFactorState, SessionRecord, SessionStore, UserRecord } from '../storage/types.js';
import type { AuditService } from './audit.js';
import type { Clock, ClientContext } from './context.js';
import { displayText } from './display-text.js';
import type { SecondFactorPolicy } from './second-factor.js';

export const TOUCH_INTERVAL_MS = 60_000;
/**
 * How long a session waiting for its TOTP code lives: long enough to open
 * an authenticator app, short enough that a password alone does not hold a
 * half-open session for the whole session lifetime. After it, the user
 * signs in again.
 */
export const PENDING_SECOND_FACTOR_MS = 10 * 60_000;
/** Longest client address kept with a session (an IPv6 address is at most 45 characters). */
const MAX_SESSION_ADDRESS_LENGTH = 64;
/** Longest User-Agent kept with a session: enough to tell browsers apart, no more. */
export const MAX_SESSION_USER_AGENT_LENGTH = 256;

export interface SessionLifetimes {
  idleMs: number;
  absoluteMs: number;
}

export interface AuthenticatedSession {
  user: UserRecord;
  sessionId: string;
  /** Where it stands with the second factor: the authenticate guard asks SecondFactorPolicy what that allows. */
  secondFactor: SecondFactorState;
}

/** What the session was started by; the cookie is the same whatever it says. */
export interface SessionStart {
  /** The sign-in method that vouched for the user (`password`, `ldap`, `oidc`), as the audit trail names it. */
  method: string;
  /**
   * True when the method already proved a second factor, so no TOTP step
   * applies to this session: OIDC sign-ins are trusted to the provider's own
   * MFA. Otherwise a user with TOTP gets a session waiting for a code
   * (SecondFactorPolicy.initialState).
   */
  secondFactorSatisfied: boolean;
  /** Who is signing in: the address and User-Agent are kept with the session for its user to recognise it. */
  client: ClientContext;
}

export interface NewSession {
  cookieValue: string;
  sessionId: string;
  /** `pending`: the cookie signs in nothing until a TOTP code is given. */
  secondFactor: SecondFactorState;
  /** Absolute end of life (epoch ms). */
  expiresAt: number;
  /** Seconds from now to `expiresAt`: the cookie's Max-Age, so cookie and session end together. */
  maxAgeSeconds: number;
}

/** A session that still authenticates, as an operator or its user sees it (never its secret). */
export interface LiveSession {
  /** The public half of the cookie: names the session, proves nothing. */
  id: string;
  createdAt: number;
  lastActiveAt: number;
  /** When it ends unless used again: the idle limit or the absolute lifetime, whichever comes first. */
  expiresAt: number;
  /** Where it signed in from, and with what; null for sessions from before these were recorded. */
  address: string | null;
  userAgent: string | null;
}

/** Who ended a session, for the audit trail: the id of the signed-in user who asked (absent for the CLI). */
export interface SessionEndOptions {
  actorId?: number;
}

export class SessionService {
  constructor(
    private readonly sessions: SessionStore,
    private readonly lifetimes: SessionLifetimes,
    private readonly audit: AuditService,
    private readonly now: Clock,
    private readonly secondFactor: SecondFactorPolicy,
  ) {}

  private isLive(s: SessionRecord, now: number): boolean {
    if (s.secondFactor === 'pending' && now - s.createdAt >= PENDING_SECOND_FACTOR_MS) return false;
    return s.revokedAt === null && now < s.expiresAt && now - s.lastActiveAt < this.lifetimes.idleMs;
  }

  /**
   * Starts a session; the answer says what the cookie holds and how long it
   * lives. The client's address and User-Agent are kept (shortened, never a
   * secret) so that its user can recognise it among their sessions.
   */
  async create(user: UserRecord, start: SessionStart): Promise<NewSession> {
    const client = start.client;
    const secondFactor = this.secondFactor.initialState(user, start.secondFactorSatisfied);
    const cred = newSessionCredential();
    const now = this.now();
    const expiresAt = now + this.lifetimes.absoluteMs;
    await this.sessions.create({
      id: cred.id,
      secretHash: sha256Hex(cred.secret),
      userId: user.id,
      createdAt: now,
      lastActiveAt: now,
      expiresAt,
      revokedAt: null,
      address: displayText(client.address, MAX_SESSION_ADDRESS_LENGTH),
      userAgent: client.userAgent === null || client.userAgent === '' ? null : displayText(client.userAgent, MAX_SESSION_USER_AGENT_LENGTH),
      secondFactor,
    });
    return { cookieValue: cred.cookieValue, sessionId: cred.id, secondFactor, expiresAt, maxAgeSeconds: Math.floor((expiresAt - now) / 1000) };
  }

  /** The session's user, or null for anything invalid, expired, revoked or disabled. */
  async authenticate(cookieValue: string): Promise<AuthenticatedSession | null> {
    const cred = parseSessionCredential(cookieValue);
    if (!cred) return null;
    const found = await this.sessions.findByIdWithUser(cred.id);
    if (!found || !digestsEqual(found.session.secretHash, sha256Hex(cred.secret))) return null;
    const { session: s, user } = found;
    const now = this.now();
    if (!this.isLive(s, now) || user.disabled) return null;
    if (now - s.lastActiveAt >= TOUCH_INTERVAL_MS) await this.sessions.touch(s.id, now);
    return { user, sessionId: s.id, secondFactor: s.secondFactor };
  }

  /** The session's user and state, if it is live (the code step reads it; no touch). */
  async findLive(sessionId: string): Promise<{ session: SessionRecord; user: UserRecord } | null> {
    const found = await this.sessions.findByIdWithUser(sessionId);
    if (!found || !this.isLive(found.session, this.now()) || found.user.disabled) return null;
    return found;
  }

  /** A session waiting for a code has been given one: it is fully signed in from now on, on every instance. */
  passSecondFactor(sessionId: string): Promise<boolean> {
    return this.sessions.passSecondFactor(sessionId);
  }

  /** Ends the session the cookie names, if the cookie proves it. Returns its user (for the audit log). */
  async revoke(cookieValue: string): Promise<UserRecord | null> {
    const cred = parseSessionCredential(cookieValue);
    if (!cred) return null;
    // With its user, in the one lookup every cookie request makes anyway.
    const found = await this.sessions.findByIdWithUser(cred.id);
    if (!found || found.session.revokedAt !== null || !digestsEqual(found.session.secretHash, sha256Hex(cred.secret))) return null;
    await this.sessions.revoke(found.session.id, this.now());
    return found.user;
  }

  revokeAllForUser(userId: number, exceptSessionId?: string): Promise<number> {
    return this.sessions.revokeAllForUser(userId, this.now(), exceptSessionId);
  }

  /** The user's sessions that still authenticate, newest first. */
  async listLive(userId: number): Promise<LiveSession[]> {
    const now = this.now();
    return (await this.sessions.listByUser(userId))
      .filter((s) => this.isLive(s, now))
      .map((s) => ({
        id: s.id,
        createdAt: s.createdAt,
        lastActiveAt: s.lastActiveAt,
        expiresAt: Math.min(s.expiresAt, s.lastActiveAt + this.lifetimes.idleMs),
        address: s.address,
        userAgent: s.userAgent,
      }));
  }

  /**
   * Ends one live session of `user`, named by its public id, on every
   * instance at once (the revocation goes through the store, which the
   * caches follow). SESSION_NOT_FOUND for any other id: someone else's, an
   * ended one, one that never was.
   */
  async end(user: UserRecord, sessionId: string, ctx: ClientContext, opts: SessionEndOptions = {}): Promise<void> {
    // Not a session id at all (PostgreSQL text cannot even hold some of them): nobody's.
    if (!SESSION_ID_PATTERN.test(sessionId)) throw new AppError('SESSION_NOT_FOUND');
    const s = await this.sessions.findById(sessionId);
    if (!s || s.userId !== user.id || !this.isLive(s, this.now())) throw new AppError('SESSION_NOT_FOUND');
    await this.sessions.revoke(s.id, this.now());
    await this.audit.record('session.ended', ctx, { userId: user.id, login: user.username, detail: { session_id: s.id, ...actor(opts) } });
  }

  /** Ends every live session of `user` (but `exceptSessionId`). Returns how many. */
  async endAll(user: UserRecord, ctx: ClientContext, exceptSessionId?: string, opts: SessionEndOptions = {}): Promise<number> {
    const n = await this.revokeAllForUser(user.id, exceptSessionId);
    await this.audit.record('session.ended', ctx, { userId: user.id, login: user.username, detail: { sessions_revoked: n, ...actor(opts) } });
    return n;
  }
}

function actor(opts: SessionEndOptions): { actor?: number } {
  return opts.actorId === undefined ? {} : { actor: opts.actorId };
}
