/**
 * The users API's own rules (SPEC §11): what a signed-in user may see and
 * change through /users and /users/{id}. Semaphore's rules, except that a
 * caller who lacks the right gets 403 (Semaphore: 401, which clients read as
 * "signed out"):
 * - everyone may list users, but only administrators see more than
 *   {id, username, name}; a user may read, change and delete their own
 *   account, administrators anyone's;
 * - only administrators create users and change administrator rights or
 *   the `disabled` flag — and nobody their own (another administrator must),
 *   so an administrator cannot lock themself out by mistake;
 * - external (LDAP/OIDC) users keep their username: it is their directory's;
 * - a new password for oneself needs the current one, checked like a login
 *   (same throttle budget), so that a stolen session or token cannot be
 *   turned into the password; an administrator setting someone else's needs
 *   none.
 * Everything else — validation, uniqueness, the last administrator, the
 * revocations and the audit trail — is UserService's, the one rule set the
 * CLI uses too.
 */
import type { PasswordHasher } from '../crypto/passwords.js';
import { AppError } from '../errors.js';
import { checkEmail, checkLogin, checkName } from '../identity.js';
import type { UserRecord } from '../storage/types.js';
import type { AuditService } from './audit.js';
import type { ClientContext } from './context.js';
import type { LoginThrottle } from './throttle.js';
import { MAX_PASSWORD_LENGTH, checkPassword, type NewUserInput, type UserChanges, type UserService } from './users.js';

/** The signed-in user who asks, and the session they ask from (none with an API token). */
export interface Actor {
  user: UserRecord;
  sessionId?: string;
}

/** What a user who is not an administrator sees of the others (Semaphore's minimal user). */
export interface UserSummary {
  id: number;
  username: string;
  name: string;
}

export type UserDirectory = { detail: 'full'; users: UserRecord[] } | { detail: 'summary'; users: UserSummary[] };

/** A PUT /users/{id}: the fields to change, and for an external user's unchanged flag, `external`. */
export interface UserUpdate extends UserChanges {
  /** Can only repeat the current value: whether a user is external is not changed through the API. */
  external?: boolean;
}

function forbidden(message: string): AppError {
  return new AppError('FORBIDDEN', message);
}

export class UserAdmin {
  constructor(
    private readonly users: UserService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  /** Every user, by id: whole for administrators, `{id, username, name}` for everyone else. */
  async list(actor: Actor): Promise<UserDirectory> {
    const users = await this.users.list();
    if (actor.user.admin) return { detail: 'full', users };
    return { detail: 'summary', users: users.map(({ id, username, name }) => ({ id, username, name })) };
  }

  /** A user the actor may see in full: themself, or anyone for an administrator. USER_NOT_FOUND, FORBIDDEN. */
  async get(actor: Actor, id: number): Promise<UserRecord> {
    const user = await this.users.get({ id });
    if (!actor.user.admin && actor.user.id !== user.id) throw forbidden('Only administrators may see or change other users.');
    return user;
  }

  async create(actor: Actor, input: NewUserInput, ctx: ClientContext): Promise<UserRecord> {
    if (!actor.user.admin) throw forbidden('Only administrators may create users.');
    return this.users.add(input, ctx, { actorId: actor.user.id });
  }

  /** PUT /users/{id}: the fields present change, the others stay. */
  async update(actor: Actor, id: number, update: UserUpdate, ctx: ClientContext, currentPassword?: string): Promise<void> {
    const target = await this.get(actor, id);
    const self = target.id === actor.user.id;
    if (update.admin !== undefined && update.admin !== target.admin) {
      if (!actor.user.admin) throw forbidden('Only administrators may change administrator rights.');
      if (self) throw forbidden('You cannot change your own administrator rights: another administrator must.');
    }
    if (update.disabled !== undefined && update.disabled !== target.disabled) {
      if (!actor.user.admin) throw forbidden('Only administrators may disable or enable users.');
      if (self) throw forbidden('You cannot disable your own account (another administrator can; or delete it).');
    }
    if (update.external !== undefined && update.external !== target.external) {
      throw new AppError('INVALID_USER', 'Whether a user is external (LDAP/OIDC) cannot be changed.');
    }
    if (target.external && update.login !== undefined && checkLogin(update.login) !== target.username) {
      throw new AppError('INVALID_USER', `${target.username} is an external (LDAP/OIDC) user and keeps the username of their directory.`);
    }
    const { external: _ignored, ...changes } = update;
    await this.applyChanges(actor, target, changes, ctx, currentPassword);
  }

  /** POST /users/{id}/password. */
  async setPassword(actor: Actor, id: number, password: string, currentPassword: string | undefined, ctx: ClientContext): Promise<void> {
    const target = await this.get(actor, id);
    await this.applyChanges(actor, target, { password }, ctx, currentPassword);
  }

  /**
   * DELETE /users/{id}: anyone their own account (Semaphore's rule),
   * administrators anyone's; never the last enabled administrator.
   * Returns whether the actor deleted themself.
   */
  async delete(actor: Actor, id: number, ctx: ClientContext): Promise<{ self: boolean }> {
    const target = await this.get(actor, id);
    await this.users.delete({ id: target.id }, ctx, { actorId: actor.user.id });
    return { self: target.id === actor.user.id };
  }

  private async applyChanges(actor: Actor, target: UserRecord, changes: UserChanges, ctx: ClientContext, currentPassword: string | undefined): Promise<void> {
    const self = target.id === actor.user.id;
    if (changes.password !== undefined) {
      if (target.external) {
        throw new AppError('INVALID_USER', `${target.username} is an external (LDAP/OIDC) user: their password is their directory's, there is none to set here.`);
      }
      if (self) {
        // A request that would be refused anyway costs no attempt at the current password.
        checkPassword(changes.password);
        if (changes.login !== undefined) checkLogin(changes.login);
        if (changes.name !== undefined) checkName(changes.name);
        if (changes.email !== undefined) checkEmail(changes.email);
        await this.confirmCurrentPassword(target, currentPassword, ctx);
      }
    }
    await this.users.change({ id: target.id }, changes, ctx, {
      actorId: actor.user.id,
      by: self ? 'self' : 'admin',
      // Changing one's own password keeps the session it was changed from (none with a token).
      ...(self && actor.sessionId !== undefined ? { keepSessionId: actor.sessionId } : {}),
    });
  }

  /**
   * The current password, checked as a login checks one: the attempt is
   * reserved in the user's login budget for this address before the hash is
   * verified (TOO_MANY_ATTEMPTS once spent), and forgiven when right. So a
   * stolen session or token guesses no faster here than at the login form.
   */
  private async confirmCurrentPassword(user: UserRecord, given: string | undefined, ctx: ClientContext): Promise<void> {
    if (given === undefined || given === '') throw new AppError('CURRENT_PASSWORD_REQUIRED');
    const account = `user:${user.id}`;
    const attempt = await this.throttle.reserve(account, ctx.address).catch((e: unknown) => {
      if (e instanceof AppError && e.code === 'TOO_MANY_ATTEMPTS') throw new AppError('TOO_MANY_ATTEMPTS', 'Too many wrong passwords. Try again later.', e.headers);
      throw e;
    });
    const ok = user.passwordHash !== null && given.length <= MAX_PASSWORD_LENGTH && (await this.hasher.verify(user.passwordHash, given));
    if (ok) {
      await this.throttle.succeeded(account, ctx.address);
      return;
    }
    const subject = { userId: user.id, login: user.username };
    await this.audit.record('password.change_failed', ctx, { ...subject, detail: { actor: user.id, reason: 'wrong current password' } });
    if (attempt.exhausted) await this.audit.record('login.throttled', ctx, { ...subject, detail: { scope: attempt.exhausted } });
    throw new AppError('WRONG_CURRENT_PASSWORD');
  }
}
