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
}

export type NewUser = Omit<UserRecord, 'id'>;
export type UserPatch = Partial<Pick<UserRecord, 'username' | 'name' | 'email' | 'passwordHash' | 'admin' | 'external' | 'alert' | 'disabled'>>;

export interface UserStore {
  /** Throws AppError USER_EXISTS when the username or e-mail is taken (case-insensitively). */
  create(user: NewUser): Promise<UserRecord>;
  findById(id: number): Promise<UserRecord | undefined>;
  /** Matches username or e-mail, case-insensitively. */
  findByLogin(login: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  count(): Promise<number>;
  update(id: number, patch: UserPatch): Promise<void>;
  /** Deletes the user with all their sessions and tokens, atomically. */
  delete(id: number): Promise<boolean>;
}

export interface SessionRecord {
  id: string;
  secretHash: string;
  userId: number;
  createdAt: number;
  lastActiveAt: number;
  /** Absolute end of life. */
  expiresAt: number;
  revokedAt: number | null;
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
  /** Takes back one failure from each key (never below zero). */
  forgive(keys: string[]): Promise<void>;
  reset(keys: string[]): Promise<void>;
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
  readonly stats: StorageStats;
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
