/**
 * User management: the one rule set behind the CLI, the first-start
 * bootstrap, directory sign-ins and the users API (whose callers are
 * signed-in users: user-admin.ts decides what each may ask, then calls here).
 * Identity rules — what a login, e-mail or name may hold and when two are the
 * same — live in identity.ts; the store enforces uniqueness. Rules here: a
 * new password ends the user's other sessions, and disabling a user ends all
 * their sessions and tokens, in the same transaction as the change (so a
 * re-enabled user comes back with none); the last enabled administrator is
 * never deleted, demoted or disabled (LAST_ADMIN); changes that change
 * nothing are not made, reported or audited.
 */
import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from '../crypto/passwords.js';
import { AppError } from '../errors.js';
import { checkEmail, checkLogin, checkName, identityKey, sameIdentity } from '../identity.js';
import type { IdentityConflict, UserPatch, UserRecord, UserStore } from '../storage/types.js';
import type { AuditService } from './audit.js';
import type { Clock, ClientContext } from './context.js';
import type { LoginThrottle } from './throttle.js';

/** ASVS 4.0 V2.1.1: at least 12 characters for new passwords (existing hashes still verify). */
export const MIN_PASSWORD_LENGTH = 12;
/** Argon2 accepts any length; a cap stops a megabyte "password" from being hashed. */
export const MAX_PASSWORD_LENGTH = 1024;

export interface NewUserInput {
  login: string;
  name: string;
  email: string;
  password?: string;
  admin?: boolean;
  external?: boolean;
  alert?: boolean;
}

export interface UserChanges {
  login?: string;
  name?: string;
  email?: string;
  password?: string;
  admin?: boolean;
  alert?: boolean;
  disabled?: boolean;
}

/** Who made a change, for the audit trail: the signed-in user's id (absent for the CLI and the service itself). */
export interface ActorOptions {
  actorId?: number;
}

export interface ChangeOptions extends ActorOptions {
  /** A new password ends every session of the user but this one: the session the user changed it from. */
  keepSessionId?: string;
  /** Whose password change this is, for the audit trail: the user's own, or an administrator's (the CLI's too). */
  by?: 'self' | 'admin';
}

/** What `change` really changed (a field given its current value is not listed). */
export type ChangedField = keyof UserChanges;

/**
 * Names a user: a string is a login or an e-mail (as Semaphore's `--login`
 * and POST /auth/login take it); `{ email }` only an e-mail; `{ id }` the id.
 */
export type UserSelector = string | { email: string } | { id: number };

export function checkPassword(value: string): string {
  if (value.length < MIN_PASSWORD_LENGTH || value.length > MAX_PASSWORD_LENGTH) {
    throw new AppError('INVALID_USER', `password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long.`);
  }
  return value;
}

/** An administrator who can sign in: the one kind the service must never run out of. */
function isEnabledAdmin(u: UserRecord): boolean {
  return u.admin && !u.disabled;
}

/**
 * What to tell an operator about keys shared by several accounts (`semauth
 * migrate`, the server's start): one line per key, then one command per
 * account to rename (all but the first of each key).
 */
export function describeIdentityConflicts(conflicts: IdentityConflict[]): { shared: string[]; fixes: string[] } {
  const shared: string[] = [];
  const fixes: string[] = [];
  for (const { key, users } of conflicts) {
    const roles = (u: UserRecord) => [identityKey(u.username) === key && 'login', identityKey(u.email) === key && 'e-mail'].filter(Boolean) as string[];
    shared.push(`"${key}" is ${users.map((u) => `the ${roles(u).join(' and ')} of #${u.id} ${u.username} <${u.email}>`).join(', ')}`);
    for (const u of users.slice(1)) {
      const flag = roles(u).includes('login') ? `--new-login '<new login>'` : `--email '<new e-mail>'`;
      fixes.push(`npx semauth user change-by-login --id ${u.id} ${flag}`);
    }
  }
  return { shared, fixes };
}

export class UserService {
  constructor(
    private readonly users: UserStore,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
    private readonly now: Clock,
  ) {}

  /**
   * Creates a user. A local user created without a password (Semaphore's
   * users API allows it) cannot sign in until one is set; the CLI asks for
   * one up front.
   */
  async add(input: NewUserInput, ctx: ClientContext, opts: ActorOptions = {}): Promise<UserRecord> {
    const external = input.external ?? false;
    if (external && input.password !== undefined) {
      throw new AppError('INVALID_USER', 'an external (LDAP/OIDC) user signs in through LDAP or OIDC and has no local password.');
    }
    const fields = { username: checkLogin(input.login), name: checkName(input.name), email: checkEmail(input.email) };
    const passwordHash = input.password === undefined ? null : await this.hasher.hash(checkPassword(input.password));
    const user = await this.users.create({
      ...fields,
      passwordHash,
      admin: input.admin ?? false,
      external,
      alert: input.alert ?? false,
      disabled: false,
      createdAt: this.now(),
    });
    await this.audit.record('user.created', ctx, { userId: user.id, login: user.username, detail: { admin: user.admin, ...actor(opts) } });
    return user;
  }

  list(): Promise<UserRecord[]> {
    return this.users.list();
  }

  async get(selector: UserSelector): Promise<UserRecord> {
    if (typeof selector === 'object' && 'id' in selector) {
      const byId = await this.users.findById(selector.id);
      if (!byId) throw new AppError('USER_NOT_FOUND', `No user with id ${selector.id}.`);
      return byId;
    }
    const value = typeof selector === 'string' ? selector : selector.email;
    const user = await this.users.findByLogin(value);
    // `{ email }` is not satisfied by a login that happens to match.
    if (user && (typeof selector === 'string' || sameIdentity(user.email, value))) return user;
    if (!user) await this.refuseShared(value);
    throw new AppError('USER_NOT_FOUND', typeof selector === 'string' ? `No user with login or e-mail "${value}".` : `No user with e-mail "${value}".`);
  }

  /** A value that names several accounts (from before identity keys) gets its own answer rather than "no user". */
  private async refuseShared(value: string): Promise<void> {
    const key = identityKey(value);
    const shared = (await this.users.identityConflicts()).find((c) => c.key === key);
    if (!shared) return;
    throw new AppError(
      'USER_AMBIGUOUS',
      `"${value}" is the login or e-mail of several accounts (ids ${shared.users.map((u) => u.id).join(', ')}), created before logins and e-mails were compared regardless of case and Unicode form: it signs in nobody until all but one are renamed. Select the account by its id.`,
    );
  }

  /**
   * The user whose login or e-mail has the identity key of `loginOrEmail`, if
   * exactly one has (a value several accounts share finds nobody).
   */
  find(loginOrEmail: string): Promise<UserRecord | undefined> {
    return this.users.findByLogin(loginOrEmail);
  }

  /** Keys several accounts share since before identity keys existed (see `semauth migrate`). */
  identityConflicts(): Promise<IdentityConflict[]> {
    return this.users.identityConflicts();
  }

  /**
   * Changes a user. A field given its current value is left alone and not
   * reported; `changed` lists the rest. With the change, in one transaction:
   * a new password ends the user's sessions — all of them (an administrator
   * or the CLI set it), or all but `opts.keepSessionId` (the user changed it
   * from that session); disabling ends every session and API token, so that
   * enabling again revives none. Refused: a password for an external user
   * (it could never be used), and demoting or disabling the last enabled
   * administrator (LAST_ADMIN).
   */
  async change(selector: UserSelector, changes: UserChanges, ctx: ClientContext, opts: ChangeOptions = {}): Promise<{ user: UserRecord; changed: ChangedField[] }> {
    const user = await this.get(selector);
    if (changes.password !== undefined && user.external) {
      throw new AppError('INVALID_USER', `${user.username} is an external (LDAP/OIDC) user: a local password would never be used.`);
    }
    const patch: UserPatch = {};
    const changed: ChangedField[] = [];
    const set = <K extends keyof UserPatch>(field: ChangedField, key: K, value: UserPatch[K] | undefined, current: UserPatch[K]) => {
      if (value === undefined || value === current) return;
      patch[key] = value;
      changed.push(field);
    };
    set('login', 'username', changes.login === undefined ? undefined : checkLogin(changes.login), user.username);
    set('name', 'name', changes.name === undefined ? undefined : checkName(changes.name), user.name);
    set('email', 'email', changes.email === undefined ? undefined : checkEmail(changes.email), user.email);
    set('admin', 'admin', changes.admin, user.admin);
    set('alert', 'alert', changes.alert, user.alert);
    set('disabled', 'disabled', changes.disabled, user.disabled);
    if (changes.password !== undefined) {
      patch.passwordHash = await this.hasher.hash(checkPassword(changes.password));
      changed.push('password');
    }
    if (changed.length === 0) return { user, changed };

    const removesAnAdmin = isEnabledAdmin(user) && (patch.admin === false || patch.disabled === true);
    const at = this.now();
    // Whoever knew the old password may hold a session; a disabled user keeps no credential at all.
    const endCredentials =
      patch.disabled === true
        ? { at, tokens: true }
        : patch.passwordHash !== undefined
          ? { at, tokens: false, ...(opts.keepSessionId !== undefined ? { keepSessionId: opts.keepSessionId } : {}) }
          : undefined;
    const ended = await this.users.update(user.id, patch, { keepAnAdmin: removesAnAdmin, ...(endCredentials ? { endCredentials } : {}) });
    const subject = { userId: user.id, login: user.username };
    const fields = changed.filter((k) => k !== 'password');
    if (patch.passwordHash !== undefined) {
      const detail = { by: opts.by ?? 'admin', ...actor(opts), ...(patch.disabled === true ? {} : { sessions_revoked: ended.sessions }) };
      await this.audit.record('password.changed', ctx, { ...subject, detail });
    }
    if (fields.length > 0) {
      const revoked = patch.disabled === true ? { sessions_revoked: ended.sessions, tokens_revoked: ended.tokens } : {};
      await this.audit.record('user.updated', ctx, { ...subject, detail: { fields, ...actor(opts), ...revoked } });
    }
    return { user: (await this.users.findById(user.id))!, changed };
  }

  /** Deletes a user with their sessions and tokens; never the last enabled administrator (LAST_ADMIN). */
  async delete(selector: UserSelector, ctx: ClientContext, opts: ActorOptions = {}): Promise<UserRecord> {
    const user = await this.get(selector);
    await this.users.delete(user.id, { keepAnAdmin: isEnabledAdmin(user) });
    await this.audit.record('user.deleted', ctx, { userId: user.id, login: user.username, detail: { admin: user.admin, ...actor(opts) } });
    return user;
  }

  /** Clears the user's login throttling (failures from every address). Returns how many counters went. */
  async unlock(selector: UserSelector, ctx: ClientContext): Promise<{ user: UserRecord; cleared: number }> {
    const user = await this.get(selector);
    const cleared = await this.throttle.unlock(user.id);
    await this.audit.record('user.unlocked', ctx, { userId: user.id, login: user.username, detail: { counters_cleared: cleared } });
    return { user, cleared };
  }

  /** First start: with no users at all, create `admin` with the given or a random password. */
  async bootstrapAdmin(password: string, ctx: ClientContext): Promise<{ created: false } | { created: true; password: string; generated: boolean }> {
    if ((await this.users.count()) > 0) return { created: false };
    const generated = password === '';
    // A configured password was held to the password rules when the settings loaded.
    const pw = generated ? randomBytes(18).toString('base64url') : password;
    try {
      await this.add({ login: 'admin', name: 'Administrator', email: 'admin@localhost', password: pw, admin: true }, ctx);
    } catch (e) {
      // Another instance bootstrapped at the same moment.
      if (e instanceof AppError && e.code === 'USER_EXISTS') return { created: false };
      throw e;
    }
    return { created: true, password: pw, generated };
  }
}

function actor(opts: ActorOptions): { actor?: number } {
  return opts.actorId === undefined ? {} : { actor: opts.actorId };
}
