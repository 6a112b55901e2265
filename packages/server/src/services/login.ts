/**
 * Password login. Every failure looks the same from outside — status, body
 * and time: unknown, external and disabled users still pay one hash
 * verification. Throttling is checked (and the attempt reserved) before any
 * hashing.
 */
import type { PasswordHasher } from '../crypto/passwords.js';
import { AppError } from '../errors.js';
import { identityKey } from '../identity.js';
import type { UserRecord, UserStore } from '../storage/types.js';
import type { AuditService } from './audit.js';
import type { ClientContext } from './context.js';
import type { SessionService } from './sessions.js';
import type { LoginThrottle } from './throttle.js';
import { MAX_PASSWORD_LENGTH } from './users.js';

export class LoginService {
  constructor(
    private readonly users: UserStore,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly passwordLoginDisabled: boolean,
  ) {}

  async login(auth: string, password: string, ctx: ClientContext): Promise<{ cookieValue: string; user: UserRecord }> {
    if (this.passwordLoginDisabled) throw new AppError('PASSWORD_LOGIN_DISABLED');
    const user = await this.users.findByLogin(auth);
    // Unknown logins are counted by identity key: `ÜNAL` and `ünal` share one budget.
    const account = user ? `user:${user.id}` : `login:${identityKey(auth)}`;
    // Reserved before hashing, so concurrent attempts cannot overrun the budget.
    // A throttled attempt is not audited one by one (that would let a flood
    // fill the log); the attempt that spends the budget is.
    const attempt = await this.throttle.reserve(account, ctx.address);

    const usable = user && !user.external && !user.disabled && user.passwordHash !== null && password.length <= MAX_PASSWORD_LENGTH;
    const ok = usable ? await this.hasher.verify(user.passwordHash!, password) : await this.hasher.verifyDummy(password);
    if (!ok || !user) {
      await this.audit.record('login.failed', ctx, { userId: user?.id ?? null, login: auth });
      if (attempt.exhausted) {
        await this.audit.record('login.throttled', ctx, { userId: user?.id ?? null, login: auth, detail: { scope: attempt.exhausted } });
      }
      throw new AppError('INVALID_CREDENTIALS');
    }

    await this.throttle.succeeded(account, ctx.address);
    if (this.hasher.needsRehash(user.passwordHash!)) {
      // Upgrade legacy bcrypt (or weaker Argon2) hashes while we hold the plain password.
      await this.users.update(user.id, { passwordHash: await this.hasher.hash(password) });
    }
    const session = await this.sessions.create(user.id);
    await this.audit.record('login.succeeded', ctx, { userId: user.id, login: user.username });
    return { cookieValue: session.cookieValue, user };
  }

  async logout(cookieValue: string | null, ctx: ClientContext): Promise<void> {
    if (cookieValue === null) return;
    const userId = await this.sessions.revoke(cookieValue);
    if (userId !== null) await this.audit.record('logout', ctx, { userId });
  }
}
