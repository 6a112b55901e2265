/**
 * Sign-in with a login and a password, whatever checks it. The enabled
 * sign-in methods (auth-methods/: local passwords, then LDAP) are asked in
 * that fixed order until one signs the user in; this service owns what is
 * common to all of them, so every failure looks the same from outside:
 * - throttling: the attempt is reserved before any method runs (and before
 *   any hashing or directory round trip) and forgiven only on success;
 * - one answer: any refusal is the same 401 (INVALID_CREDENTIALS); a method
 *   that could not decide (a directory down) makes it a 503 unless a later
 *   method signed the user in — and that attempt stays counted, or an outage
 *   would turn a 204/503 pair into free guesses;
 * - sessions, and the audit trail with the deciding method.
 */
import type { FirstFactorContext, FirstFactorMethod } from '../auth-methods/types.js';
import { AppError } from '../errors.js';
import { identityKey } from '../identity.js';
import type { UserRecord, UserStore } from '../storage/types.js';
import type { AuditService } from './audit.js';
import { SILENT_LOG, type ClientContext } from './context.js';
import type { NewSession, SessionService } from './sessions.js';
import type { LoginThrottle } from './throttle.js';

/** Seconds a client is told to wait after a 503 from a sign-in method. */
const UNAVAILABLE_RETRY_AFTER = '5';

export class LoginService {
  constructor(
    private readonly users: UserStore,
    private readonly methods: readonly FirstFactorMethod[],
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly passwordLoginDisabled: boolean,
  ) {}

  async login(auth: string, password: string, ctx: ClientContext): Promise<{ session: NewSession; user: UserRecord }> {
    // The login form as a whole (Semaphore's `password_login_disable`): LDAP users sign in through it too.
    if (this.passwordLoginDisabled) throw new AppError('PASSWORD_LOGIN_DISABLED');
    const account = await this.users.findByLogin(auth);
    // Unknown logins are counted by identity key: `ÜNAL` and `ünal` share one budget.
    const throttleKey = account ? `user:${account.id}` : `login:${identityKey(auth)}`;
    // Reserved before any method runs, so concurrent attempts cannot overrun the budget.
    // A throttled attempt is not audited one by one (that would let a flood
    // fill the log); the attempt that spends the budget is.
    const attempt = await this.throttle.reserve(throttleKey, ctx.address);

    const fctx: FirstFactorContext = { client: ctx, account, log: ctx.log ?? SILENT_LOG };
    let refusedBy: FirstFactorMethod | undefined;
    let unavailable: FirstFactorMethod | undefined;
    for (const method of this.methods) {
      const result = await method.firstFactor(auth, password, fctx);
      if (result === 'unknown') continue;
      if (result === 'rejected') refusedBy = method;
      else if (result === 'unavailable') unavailable ??= method;
      else return this.succeed(result.user, method, throttleKey, ctx);
    }

    const subject = { userId: account?.id ?? null, login: auth };
    // The method that decided, if any knew the login: an unavailable one outweighs a refusal.
    const decidedBy = unavailable ?? refusedBy;
    const detail = decidedBy ? { method: decidedBy.name, ...(unavailable ? { reason: 'unavailable' } : {}) } : undefined;
    await this.audit.record('login.failed', ctx, { ...subject, ...(detail ? { detail } : {}) });
    if (attempt.exhausted) await this.audit.record('login.throttled', ctx, { ...subject, detail: { scope: attempt.exhausted } });
    if (unavailable) throw new AppError(unavailable.unavailableCode, undefined, { 'retry-after': UNAVAILABLE_RETRY_AFTER });
    throw new AppError('INVALID_CREDENTIALS');
  }

  private async succeed(user: UserRecord, method: FirstFactorMethod, throttleKey: string, ctx: ClientContext) {
    await this.throttle.succeeded(throttleKey, ctx.address);
    const session = await this.sessions.create(user, { method: method.name, secondFactorSatisfied: false, client: ctx });
    // `second_factor: pending`: the password was right, and the session still waits for a TOTP code.
    const detail = session.secondFactor === 'pending' ? { method: method.name, second_factor: 'pending' } : { method: method.name };
    await this.audit.record('login.succeeded', ctx, { userId: user.id, login: user.username, detail });
    return { session, user };
  }

  async logout(cookieValue: string | null, ctx: ClientContext): Promise<void> {
    if (cookieValue === null) return;
    const user = await this.sessions.revoke(cookieValue);
    if (user !== null) await this.audit.record('logout', ctx, { userId: user.id, login: user.username });
  }
}
