/**
 * The storage boundary: one narrow interface per aggregate. Services depend
 * on these interfaces only; `kysely/` implements them once for SQLite and
 * PostgreSQL. Times are epoch milliseconds; booleans are real booleans here
 * (the tables store 0/1 so both dialects share the same SQL).
 */

export interface UserRecord {
  id: number;
  username: string;
  name: string;
  email: string;
  /** Argon2id or legacy bcrypt hash; null for external (LDAP/OIDC) users. */
  passwordHash: string | null;
  admin: boolean;
  external: boolean;
  alert: boolean;
  disabled: boolean;
  createdAt: number;
  /**
   * The user's confirmed TOTP enrolment, or null: what makes a sign-in with
   * a password ask for a code. Set and cleared by the TotpStore only.
   */
  totpId: number | null;
}

export type NewUser = Omit<UserRecord, 'id' | 'totpId'>;
export type UserPatch = Partial<Pick<UserRecord, 'username' | 'name' | 'email' | 'passwordHash' | 'admin' | 'external' | 'alert' | 'disabled'>>;

/** Conditions a user write must meet, and writes that belong with it, in the same transaction. */
export interface UserWriteOptions {
  /** Fail with LAST_ADMIN, changing nothing, when no enabled administrator would remain. */
  keepAnAdmin?: boolean;
  /**
   * End the user's credentials with the change, at `at` (a new password, a
   * disabled account): every live session but `keepSessionId`, and with
   * `tokens` every live API token too. Never half: the change and the
   * revocations commit together or not at all.
   */
  endCredentials?: { at: number; keepSessionId?: string; tokens: boolean };
}

/** What a user write revoked on the way (UserWriteOptions.endCredentials). */
export interface CredentialsEnded {
  sessions: number;
  tokens: number;
}

/** A key (identity.ts) that several accounts already shared when keys were introduced. */
export interface IdentityConflict {
  key: string;
  /** The accounts whose login or e-mail has this key, by id. */
  users: UserRecord[];
}

/**
 * Logins and e-mails are compared by their identity key (identity.ts):
 * no login or e-mail may have the key of any other user's login or e-mail.
 */
export interface UserStore {
  /** Throws AppError USER_EXISTS when the login's or e-mail's key is taken. */
  create(user: NewUser): Promise<UserRecord>;
  findById(id: number): Promise<UserRecord | undefined>;
  /**
   * The user whose login or e-mail has the key of `login`. Undefined also for
   * a key several accounts share (see identityConflicts): it matches nobody.
   */
  findByLogin(login: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  count(): Promise<number>;
  /**
   * Throws USER_EXISTS like create for a taken login or e-mail; LAST_ADMIN as
   * `opts` asks. Returns what `opts.endCredentials` revoked (zeros without it).
   */
  update(id: number, patch: UserPatch, opts?: UserWriteOptions): Promise<CredentialsEnded>;
  /** Deletes the user with all their sessions and tokens, atomically. */
  delete(id: number, opts?: UserWriteOptions): Promise<boolean>;
  /** Keys shared by several accounts since before migration 0002, with those accounts; [] normally. */
  identityConflicts(): Promise<IdentityConflict[]>;
}

/**
 * Where a session stands with the second factor (SPEC §10):
 * - `none`: its user had no TOTP when it signed in (or it predates TOTP);
 * - `pending`: signed in with a password by a user with TOTP, and no code
 *   given yet — it authenticates nothing but the code step and logout;
 * - `passed`: a TOTP code or a recovery code was given;
 * - `provider`: the sign-in method vouches for its own second factor (OIDC).
 */
export type SecondFactorState = 'none' | 'pending' | 'passed' | 'provider';

export interface SessionRecord {
  id: string;
  secretHash: string;
  userId: number;
  createdAt: number;
  lastActiveAt: number;
  /** Absolute end of life. */
  expiresAt: number;
  revokedAt: number | null;
  /** Client address at sign-in (for its user to recognise it), or null when unknown. */
  address: string | null;
  /** User-Agent at sign-in, shortened, or null when none was sent. */
  userAgent: string | null;
  secondFactor: SecondFactorState;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  findById(id: string): Promise<SessionRecord | undefined>;
  /**
   * The session with its user, in one lookup: what every cookie request
   * needs (one query on PostgreSQL, one cache check on SQLite).
   */
  findByIdWithUser(id: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined>;
  touch(id: string, at: number): Promise<void>;
  revoke(id: string, at: number): Promise<void>;
  /**
   * A `pending` session that is not revoked becomes `passed`. False when
   * there is none such (already passed, revoked, another state): a code
   * given twice at once passes it once.
   */
  passSecondFactor(id: string): Promise<boolean>;
  /** The user's sessions that are not revoked (expired ones included), newest first. */
  listByUser(userId: number): Promise<SessionRecord[]>;
  /** Revokes every live session of a user, except `exceptId`. Returns how many. */
  revokeAllForUser(userId: number, at: number, exceptId?: string): Promise<number>;
  /** Deletes rows that can never authenticate again (expired or revoked before `before`). */
  prune(before: number): Promise<number>;
}

export interface TokenRecord {
  /** SHA-256 hex of the lower-cased token. */
  hash: string;
  /** First 8 characters of the token: its listed id. */
  prefix: string;
  userId: number;
  name: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface TokenStore {
  create(token: TokenRecord): Promise<void>;
  findByHash(hash: string): Promise<TokenRecord | undefined>;
  /** The token with its user, in one lookup: what every bearer request needs. */
  findByHashWithUser(hash: string): Promise<{ token: TokenRecord; user: UserRecord } | undefined>;
  /** The user's tokens that are not revoked, newest first. */
  listByUser(userId: number): Promise<TokenRecord[]>;
  /** The user's tokens (revoked ones included) whose listed id is `prefix`. */
  findByPrefix(userId: number, prefix: string): Promise<TokenRecord[]>;
  revoke(hash: string, at: number): Promise<void>;
  touch(hash: string, at: number): Promise<void>;
}

export interface ThrottleCount {
  count: number;
  windowStartedAt: number;
}

export interface ThrottleStore {
  /** Failures counted for each key in the window that began at or after `since`. */
  failures(keys: string[], since: number): Promise<Map<string, ThrottleCount>>;
  /**
   * Adds one failure to each key, atomically; a key whose window began before
   * `since` restarts at 1. Returns every key's count after the addition, so
   * that concurrent callers each see a distinct count.
   */
  recordFailure(keys: string[], now: number, since: number): Promise<Map<string, ThrottleCount>>;
  /**
   * A successful login, in one write: `clear` starts over (as if deleted: the
   * next failure opens a new window) and `forgive` gets one failure back
   * (never below zero).
   */
  settleSuccess(clear: string, forgive: string): Promise<void>;
  /** Forgets the keys' counters. */
  reset(keys: string[]): Promise<void>;
  /** Deletes every counter of one account (`<account>|…` keys, whatever the address). Returns how many held failures. */
  resetAccount(account: string): Promise<number>;
  /** Deletes counters whose window began before `before`. Returns how many. */
  prune(before: number): Promise<number>;
}

export interface AuditEntry {
  at: number;
  event: string;
  userId: number | null;
  login: string | null;
  address: string | null;
  userAgent: string | null;
  /** Small JSON object with event details; never a secret. */
  detail: Record<string, unknown> | null;
}

export interface AuditStore {
  append(entry: AuditEntry): Promise<void>;
  query(filter: { userId?: number; login?: string; since?: number; limit?: number }): Promise<(AuditEntry & { id: number })[]>;
  /** Deletes entries older than `before`, at most `limit` of them (all when absent). Returns how many. */
  prune(before: number, limit?: number): Promise<number>;
}

export interface MigrationStatus {
  pending: string[];
  unknown: string[];
}

/**
 * An OIDC sign-in between its start and the provider's callback. It holds
 * nothing secret: its key is a SHA-256 of the secret in the browser's state
 * cookie, from which the state, nonce and PKCE verifier are derived again at
 * the callback (auth-methods/oidc/flow-secret.ts).
 */
export interface OidcStateRecord {
  /** SHA-256 hex of the state cookie's secret. */
  id: string;
  /** The provider id the sign-in was started with. */
  provider: string;
  /** The redirect_uri sent in the authorization request; the token request must repeat it. */
  redirectUri: string;
  /** Where to send the browser afterwards: a checked same-site path below the web root, or null for the web root. */
  returnTo: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface OidcStateStore {
  create(state: OidcStateRecord): Promise<void>;
  /**
   * Deletes the record and returns it, atomically: of any number of callbacks
   * carrying the same cookie, on any number of instances, one gets it.
   */
  consume(id: string): Promise<OidcStateRecord | undefined>;
  /** Deletes records that expired before `before`. Returns how many. */
  prune(before: number): Promise<number>;
}

/** A TOTP enrolment; `secret` is sealed (never the plain secret). */
export interface TotpRecord {
  id: number;
  userId: number;
  secret: string;
  createdAt: number;
  /** Null while pending: a pending enrolment asks nothing at sign-in. */
  confirmedAt: number | null;
  /** RFC 6238 time step of the last code accepted (null: none yet). */
  lastStep: number | null;
}

/**
 * TOTP enrolments and their recovery codes. Every one-time value is spent
 * atomically (a conditional update), so that two requests carrying the same
 * code, on any instances, spend it once.
 */
export interface TotpStore {
  /** The user's enrolment, pending or confirmed. */
  findByUser(userId: number): Promise<TotpRecord | undefined>;
  /**
   * A new pending enrolment, replacing the user's pending one if any.
   * Throws AppError TOTP_ALREADY_ENABLED when the user has a confirmed one.
   */
  startEnrolment(userId: number, secret: string, at: number): Promise<TotpRecord>;
  /**
   * Confirms the user's pending enrolment `id` — with the time step of the
   * code that confirmed it, and the digests of its recovery codes — and
   * marks the user enrolled (users.totp_id), in one transaction. False when
   * the user has no such pending enrolment.
   */
  confirm(id: number, userId: number, step: number, at: number, recoveryCodeHashes: readonly string[]): Promise<boolean>;
  /** Records `step` as the last one accepted if it is later than the last: false for a code already used (or an older one). */
  acceptStep(id: number, step: number): Promise<boolean>;
  /** Spends an unused recovery code of enrolment `totpId`: true once per code. */
  useRecoveryCode(totpId: number, codeHash: string, at: number): Promise<boolean>;
  /** How many recovery codes of the enrolment are unused. */
  recoveryCodesLeft(totpId: number): Promise<number>;
  /**
   * Removes the user's enrolment (only if it is `id`, when given) with its
   * recovery codes, clears the user's mark, and ends the user's sessions
   * still waiting for a code (they could never pass): one transaction.
   * Returns the enrolment removed, if any.
   */
  remove(userId: number, at: number, id?: number): Promise<TotpRecord | undefined>;
}

/** Counts statements that write, so benchmarks can report writes per request. */
export interface StorageStats {
  writes: number;
  /** Looks the auth cache took at its change signal (one per batch of requests). */
  cacheLooks: number;
}

export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenStore;
  readonly throttle: ThrottleStore;
  readonly audit: AuditStore;
  readonly oidcStates: OidcStateStore;
  readonly totp: TotpStore;
  readonly stats: StorageStats;
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /**
   * Migrations of this release not applied to the database (`pending`), and
   * applied ones this release does not know (`unknown`: a newer release ran).
   */
  migrationStatus(): Promise<MigrationStatus>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
