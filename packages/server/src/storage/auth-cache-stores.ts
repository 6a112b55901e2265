/**
 * The token, session and user stores as the auth cache (auth-cache.ts)
 * wraps them: lookups go through the cache, every write through `write`
 * (which drops what it names and waits for the other processes) or, for
 * "last used" times, `touch`. A method added to a store interface must be
 * added here (the compiler insists) and follow the same rule.
 */
import type { AuthCache } from './auth-cache.js';
import type {
  CredentialsEnded, IdentityConflict, SessionRecord, SessionStore, TokenRecord, TokenStore, TotpRecord, TotpStore, UserRecord, UserStore, UserWriteOptions,
} from './types.js';

export class CachedTokenStore implements TokenStore {
  constructor(private readonly inner: TokenStore, private readonly cache: AuthCache) {}

  create(token: TokenRecord): Promise<void> {
    return this.cache.write(() => this.inner.create(token), () => this.cache.tokens.delete(token.hash), 'creates');
  }

  findByHash(hash: string): Promise<TokenRecord | undefined> {
    return this.cache.read(this.cache.tokens, hash, () => this.inner.findByHash(hash));
  }

  findByHashWithUser(hash: string): Promise<{ token: TokenRecord; user: UserRecord } | undefined> {
    return this.cache.readWithUser(
      this.cache.tokens,
      hash,
      () => this.inner.findByHashWithUser(hash),
      (r) => [r.token, r.user],
      (token, user) => ({ token, user }),
    );
  }

  listByUser(userId: number): Promise<TokenRecord[]> {
    return this.inner.listByUser(userId);
  }

  findByPrefix(userId: number, prefix: string): Promise<TokenRecord[]> {
    return this.inner.findByPrefix(userId, prefix);
  }

  revoke(hash: string, at: number): Promise<void> {
    return this.cache.write(() => this.inner.revoke(hash, at), () => this.cache.tokens.delete(hash));
  }

  touch(hash: string, at: number): Promise<void> {
    // The cached copy is updated first, so that the requests arriving while
    // the write runs do not all decide to record "last used" again.
    return this.cache.touch(this.cache.tokens, hash, (t) => ({ ...t, lastUsedAt: at }), () => this.inner.touch(hash, at));
  }
}

export class CachedSessionStore implements SessionStore {
  constructor(private readonly inner: SessionStore, private readonly cache: AuthCache) {}

  create(session: SessionRecord): Promise<void> {
    return this.cache.write(() => this.inner.create(session), () => this.cache.sessions.delete(session.id), 'creates');
  }

  findById(id: string): Promise<SessionRecord | undefined> {
    return this.cache.read(this.cache.sessions, id, () => this.inner.findById(id));
  }

  findByIdWithUser(id: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
    return this.cache.readWithUser(
      this.cache.sessions,
      id,
      () => this.inner.findByIdWithUser(id),
      (r) => [r.session, r.user],
      (session, user) => ({ session, user }),
    );
  }

  touch(id: string, at: number): Promise<void> {
    return this.cache.touch(this.cache.sessions, id, (s) => ({ ...s, lastActiveAt: at }), () => this.inner.touch(id, at));
  }

  revoke(id: string, at: number): Promise<void> {
    return this.cache.write(() => this.inner.revoke(id, at), () => this.cache.sessions.delete(id));
  }

  passSecondFactor(id: string): Promise<boolean> {
    return this.cache.write(() => this.inner.passSecondFactor(id), () => this.cache.sessions.delete(id));
  }

  listByUser(userId: number): Promise<SessionRecord[]> {
    return this.inner.listByUser(userId);
  }

  revokeAllForUser(userId: number, at: number, exceptId?: string): Promise<number> {
    // Rare (password changes): dropping every cached session is simplest and safe.
    return this.cache.write(() => this.inner.revokeAllForUser(userId, at, exceptId), () => this.cache.sessions.clear());
  }

  prune(before: number): Promise<number> {
    // Drops exactly the rows the prune deletes (never live sessions, which
    // every request would otherwise have to read again after each run).
    const pruned = (s: SessionRecord) => s.expiresAt < before || (s.revokedAt !== null && s.revokedAt < before);
    return this.cache.write(() => this.inner.prune(before), () => this.cache.sessions.deleteWhere(pruned));
  }
}

export class CachedUserStore implements UserStore {
  constructor(private readonly inner: UserStore, private readonly cache: AuthCache) {}

  create(user: Parameters<UserStore['create']>[0]): Promise<UserRecord> {
    return this.cache.write(() => this.inner.create(user), () => {}, 'creates');
  }

  findById(id: number): Promise<UserRecord | undefined> {
    return this.cache.read(this.cache.users, id, () => this.inner.findById(id));
  }

  findByLogin(login: string): Promise<UserRecord | undefined> {
    return this.inner.findByLogin(login);
  }

  list(): Promise<UserRecord[]> {
    return this.inner.list();
  }

  count(): Promise<number> {
    return this.inner.count();
  }

  update(id: number, patch: Parameters<UserStore['update']>[1], opts?: UserWriteOptions): Promise<CredentialsEnded> {
    // Ending credentials with the change (a new password, a disabled account) is rare: drop everything.
    const forget = opts?.endCredentials ? () => this.cache.clear() : () => this.cache.users.delete(id);
    return this.cache.write(() => this.inner.update(id, patch, opts), forget);
  }

  delete(id: number, opts?: UserWriteOptions): Promise<boolean> {
    // Takes the user's sessions and tokens with it.
    return this.cache.write(() => this.inner.delete(id, opts), () => this.cache.clear());
  }

  identityConflicts(): Promise<IdentityConflict[]> {
    return this.inner.identityConflicts();
  }
}

/**
 * TOTP enrolments are not cached, but confirming and removing one change the
 * user's row (`totp_id`) — and removing ends the sessions waiting for a
 * code — so those two go through `write` like any change a cache must
 * learn. The other writes touch only TOTP's own tables.
 */
export class CachedTotpStore implements TotpStore {
  constructor(private readonly inner: TotpStore, private readonly cache: AuthCache) {}

  findByUser(userId: number): Promise<TotpRecord | undefined> {
    return this.inner.findByUser(userId);
  }

  startEnrolment(userId: number, secret: string, at: number): Promise<TotpRecord> {
    return this.inner.startEnrolment(userId, secret, at);
  }

  confirm(id: number, userId: number, step: number, at: number, recoveryCodeHashes: readonly string[]): Promise<boolean> {
    return this.cache.write(() => this.inner.confirm(id, userId, step, at, recoveryCodeHashes), () => this.cache.users.delete(userId));
  }

  acceptStep(id: number, step: number): Promise<boolean> {
    return this.inner.acceptStep(id, step);
  }

  useRecoveryCode(totpId: number, codeHash: string, at: number): Promise<boolean> {
    return this.inner.useRecoveryCode(totpId, codeHash, at);
  }

  recoveryCodesLeft(totpId: number): Promise<number> {
    return this.inner.recoveryCodesLeft(totpId);
  }

  remove(userId: number, at: number, id?: number): Promise<TotpRecord | undefined> {
    // Rare, and it ends sessions too: drop everything.
    return this.cache.write(() => this.inner.remove(userId, at, id), () => this.cache.clear());
  }
}
