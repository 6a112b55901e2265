/**
 * Two-factor sign-in with TOTP (SPEC §10): enrolment on one's own account
 * (start → scan → confirm with a first code, which hands out the recovery
 * codes once), the code step of a sign-in (a TOTP code or a recovery code
 * turns a `pending` session into a signed-in one), and turning it off.
 *
 * What it guarantees:
 * - a code counts once: the time step of every accepted code is recorded
 *   with one conditional update, so the same code (or an older one) is
 *   refused afterwards, on every instance, even when sent twice at once;
 *   each recovery code is spent the same way;
 * - guesses are throttled like logins, in a budget of their own (per user
 *   and client address, and per address), reserved before the check;
 * - the secret is sealed at rest (secret-box.ts) and leaves the server only
 *   in the enrolment's answer and its QR code, while the enrolment is
 *   pending: never once it is confirmed.
 * Who may ask is decided here too: only the user themself enrols; the user
 * or an administrator turns it off (the CLI can as well).
 */
import { AppError } from '../../errors.js';
import type { AuditService } from '../../services/audit.js';
import type { Clock, ClientContext } from '../../services/context.js';
import type { SessionService } from '../../services/sessions.js';
import type { LoginThrottle } from '../../services/throttle.js';
import type { TotpRecord, TotpStore, UserRecord, UserStore } from '../../storage/types.js';
import { toRfc3339 } from '../../time.js';
import { matchStep, newSecret, otpauthUri } from './codes.js';
import { qrPng } from './qr.js';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.js';
import { SealError, type SecretBox } from './secret-box.js';

export interface TotpSettings {
  /** SEMAPHORE_TOTP_ENABLED: the routes are served and sign-ins ask for codes. */
  enabled: boolean;
  allowRecovery: boolean;
  issuer: string;
}

export interface TotpDeps {
  store: TotpStore;
  users: UserStore;
  sessions: SessionService;
  /** A LoginThrottle of its own key space (`totp`). */
  throttle: LoginThrottle;
  audit: AuditService;
  /** The sealing key, read on first use (SEMAUTH_SECRET_KEY[_FILE]); the CLI's show/disable never need it. */
  box: () => SecretBox;
  now: Clock;
}

/** A user's TOTP as an operator sees it (`semauth user totp show`): never the secret. */
export interface TotpStatus {
  state: 'off' | 'pending' | 'on';
  id: number | null;
  created: string | null;
  confirmed: string | null;
  recoveryCodesLeft: number | null;
}

export class TotpService {
  constructor(readonly settings: TotpSettings, private readonly deps: TotpDeps) {}

  /** At start, when enabled: an unreadable or malformed key stops the server then, not at the first enrolment. */
  checkKey(): void {
    if (this.settings.enabled) this.deps.box();
  }

  /** `auth_methods.totp` of GET /auth/login. */
  loginOptions(): { enabled: boolean; allow_recovery: boolean } {
    return { enabled: this.settings.enabled, allow_recovery: this.settings.enabled && this.settings.allowRecovery };
  }

  /** POST /users/{id}/2fas/totp: a new pending enrolment of the caller (replacing a pending one); its URI is shown only now. */
  async start(actor: UserRecord, targetId: number, ctx: ClientContext): Promise<{ id: number; url: string }> {
    const user = await this.self(actor, targetId);
    const secret = newSecret();
    const record = await this.deps.store.startEnrolment(user.id, this.deps.box().seal(secret, user.id), this.deps.now());
    await this.deps.audit.record('totp.enrolment_started', ctx, { userId: user.id, login: user.username, detail: { totp_id: record.id } });
    return { id: record.id, url: otpauthUri(this.settings.issuer, user.username, secret) };
  }

  /** GET …/{totp_id}/qr: the pending enrolment's URI as a QR code. A confirmed enrolment's secret is never shown again. */
  async qrCode(actor: UserRecord, targetId: number, totpId: number): Promise<Buffer> {
    const user = await this.self(actor, targetId);
    const record = await this.pending(user, totpId);
    return qrPng(otpauthUri(this.settings.issuer, user.username, this.openSecret(record)));
  }

  /**
   * POST …/{totp_id}/confirm: the first code proves the app holds the
   * secret; TOTP is on from now, and the recovery codes are returned — the
   * only time they are.
   */
  async confirm(actor: UserRecord, targetId: number, totpId: number, passcode: string, ctx: ClientContext): Promise<string[]> {
    const user = await this.self(actor, targetId);
    const record = await this.pending(user, totpId);
    const step = await matchStep(this.openSecret(record), passcode, this.deps.now(), null);
    if (step === null) throw new AppError('WRONG_ENROLMENT_PASSCODE');
    const codes = this.settings.allowRecovery ? newRecoveryCodes() : [];
    const confirmed = await this.deps.store.confirm(record.id, user.id, step, this.deps.now(), codes.map(recoveryCodeHash));
    // Removed or confirmed meanwhile (another tab): this one turned nothing on.
    if (!confirmed) throw new AppError('TOTP_NOT_FOUND');
    await this.deps.audit.record('totp.enabled', ctx, { userId: user.id, login: user.username, detail: { totp_id: record.id, recovery_codes: codes.length } });
    return codes;
  }

  /**
   * POST /auth/verify: the code step of a sign-in. A session already past
   * it (or that never had one) is answered as done, as Semaphore does.
   */
  async verify(sessionId: string, passcode: string, ctx: ClientContext): Promise<void> {
    await this.secondStep(sessionId, 'totp', ctx, async (user, record) => {
      const step = await matchStep(this.openSecret(record), passcode, this.deps.now(), record.lastStep);
      return step !== null && (await this.deps.store.acceptStep(record.id, step)) ? {} : null;
    });
  }

  /** POST /auth/recovery: a recovery code instead of a TOTP code; it is spent. */
  async recover(sessionId: string, recoveryCode: string, ctx: ClientContext): Promise<void> {
    if (!this.settings.allowRecovery) throw new AppError('TOTP_RECOVERY_DISABLED');
    await this.secondStep(sessionId, 'recovery', ctx, async (_user, record) => {
      const spent = await this.deps.store.useRecoveryCode(record.id, recoveryCodeHash(recoveryCode), this.deps.now());
      return spent ? { recovery_codes_left: await this.deps.store.recoveryCodesLeft(record.id) } : null;
    });
  }

  /**
   * DELETE /users/{id}/2fas/totp/{totp_id}: the user themself, or an
   * administrator (a lost phone without recovery codes). A pending
   * enrolment can be cancelled the same way.
   */
  async disable(actor: UserRecord, targetId: number, totpId: number, ctx: ClientContext): Promise<void> {
    if (actor.id !== targetId && !actor.admin) throw new AppError('FORBIDDEN', "Only administrators may turn off another user's two-factor sign-in.");
    const user = await this.deps.users.findById(targetId);
    if (!user) throw new AppError('USER_NOT_FOUND');
    await this.remove(user, ctx, { totpId, actorId: actor.id });
  }

  /** `semauth user totp disable`: whatever the user has, pending or confirmed. Returns whether there was any. */
  async disableByOperator(user: UserRecord, ctx: ClientContext): Promise<boolean> {
    try {
      await this.remove(user, ctx, {});
      return true;
    } catch (e) {
      if (e instanceof AppError && e.code === 'TOTP_NOT_FOUND') return false;
      throw e;
    }
  }

  /** `semauth user totp show`. */
  async status(user: UserRecord): Promise<TotpStatus> {
    const record = await this.deps.store.findByUser(user.id);
    if (!record) return { state: 'off', id: null, created: null, confirmed: null, recoveryCodesLeft: null };
    const on = record.confirmedAt !== null;
    return {
      state: on ? 'on' : 'pending',
      id: record.id,
      created: toRfc3339(record.createdAt),
      confirmed: on ? toRfc3339(record.confirmedAt!) : null,
      recoveryCodesLeft: on ? await this.deps.store.recoveryCodesLeft(record.id) : null,
    };
  }

  private async remove(user: UserRecord, ctx: ClientContext, opts: { totpId?: number; actorId?: number }): Promise<void> {
    const removed = await this.deps.store.remove(user.id, this.deps.now(), opts.totpId);
    if (!removed) throw new AppError('TOTP_NOT_FOUND');
    const detail = {
      totp_id: removed.id,
      ...(removed.confirmedAt === null ? { pending: true } : {}),
      ...(opts.actorId !== undefined ? { actor: opts.actorId } : {}),
    };
    await this.deps.audit.record('totp.disabled', ctx, { userId: user.id, login: user.username, detail });
  }

  /**
   * The code step, for both kinds of code: the attempt is reserved in the
   * TOTP budget before the code is looked at and forgiven when right; the
   * session passes on every instance; success and failure are audited as
   * logins of method `totp` or `recovery`.
   */
  private async secondStep(
    sessionId: string,
    method: 'totp' | 'recovery',
    ctx: ClientContext,
    check: (user: UserRecord, record: TotpRecord) => Promise<Record<string, unknown> | null>,
  ): Promise<void> {
    const live = await this.deps.sessions.findLive(sessionId);
    if (!live) throw new AppError('UNAUTHENTICATED');
    if (live.session.secondFactor !== 'pending') return;
    const { user } = live;
    const account = `user:${user.id}`;
    const attempt = await this.deps.throttle.reserve(account, ctx.address).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'TOO_MANY_ATTEMPTS') throw new AppError('TOO_MANY_ATTEMPTS', 'Too many wrong codes. Try again later.', e.headers);
      throw e;
    });
    const record = await this.deps.store.findByUser(user.id);
    const passed = record !== undefined && record.confirmedAt !== null ? await check(user, record) : null;
    const subject = { userId: user.id, login: user.username };
    if (passed !== null && (await this.deps.sessions.passSecondFactor(sessionId))) {
      await this.deps.throttle.succeeded(account, ctx.address);
      await this.deps.audit.record('login.succeeded', ctx, { ...subject, detail: { method, ...passed } });
      return;
    }
    await this.deps.audit.record('login.failed', ctx, { ...subject, detail: { method } });
    if (attempt.exhausted) await this.deps.audit.record('login.throttled', ctx, { ...subject, detail: { scope: attempt.exhausted, method } });
    throw new AppError(method === 'totp' ? 'WRONG_PASSCODE' : 'WRONG_RECOVERY_CODE');
  }

  /** Only the user themself enrols: the secret is theirs alone to see. */
  private async self(actor: UserRecord, targetId: number): Promise<UserRecord> {
    if (actor.id !== targetId) throw new AppError('TOTP_ENROL_OTHERS');
    return actor;
  }

  private async pending(user: UserRecord, totpId: number): Promise<TotpRecord> {
    const record = await this.deps.store.findByUser(user.id);
    if (!record || record.id !== totpId) throw new AppError('TOTP_NOT_FOUND');
    if (record.confirmedAt !== null) throw new AppError('TOTP_ALREADY_ENABLED');
    return record;
  }

  private openSecret(record: TotpRecord): string {
    try {
      return this.deps.box().open(record.secret, record.userId);
    } catch (e) {
      // Not the client's fault and nothing it can fix: a 500 that names no detail; the log has it.
      if (e instanceof SealError) throw new AppError('INTERNAL', undefined, {}, { cause: e });
      throw e;
    }
  }
}
