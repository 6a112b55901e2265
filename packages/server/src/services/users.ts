/**
 * User management (used by the CLI and the first-start bootstrap). Logins and
 * e-mails are unique case-insensitively; a password change ends the user's
 * other sessions.
 */
import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from '../crypto/passwords.js';
import { AppError } from '../errors.js';
import type { UserRecord, UserStore } from '../storage/types.js';
import type { AuditService } from './audit.js';
import type { Clock, ClientContext } from './context.js';
import type { SessionService } from './sessions.js';

/** ASVS 4.0 V2.1.1: at least 12 characters for new passwords (existing hashes still verify). */
export const MIN_PASSWORD_LENGTH = 12;
const MAX_FIELD_LENGTH = 255;
/** Argon2 accepts any length; a cap stops a megabyte "password" from being hashed. */
export const MAX_PASSWORD_LENGTH = 1024;

export interface NewUserInput {
  login: string;
  name: string;
  email: string;
  password?: string;
  admin?: boolean;
  external?: boolean;
}

export interface UserChanges {
  login?: string;
  name?: string;
  email?: string;
  password?: string;
  admin?: boolean;
  disabled?: boolean;
}

function checkText(label: string, value: string): string {
  const v = value.trim();
  if (v.length === 0 || v.length > MAX_FIELD_LENGTH || /[\u0000-\u001f\u007f]/.test(v)) {
    throw new AppError('INVALID_USER', `${label} must be 1 to ${MAX_FIELD_LENGTH} printable characters.`);
  }
  return v;
}

function checkLogin(value: string): string {
  const v = checkText('login', value);
  if (/\s/.test(v)) throw new AppError('INVALID_USER', 'login must not contain spaces.');
  return v;
}

function checkEmail(value: string): string {
  const v = checkText('email', value);
  if (!/^[^\s@]+@[^\s@]+$/.test(v)) throw new AppError('INVALID_USER', 'email must look like name@example.com.');
  return v;
}

export function checkPassword(value: string): string {
  if (value.length < MIN_PASSWORD_LENGTH || value.length > MAX_PASSWORD_LENGTH) {
    throw new AppError('INVALID_USER', `password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters long.`);
  }
  return value;
}

export class UserService {
  constructor(
    private readonly users: UserStore,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
    private readonly now: Clock,
  ) {}

  async add(input: NewUserInput, ctx: ClientContext): Promise<UserRecord> {
    const external = input.external ?? false;
    if (!external && input.password === undefined) throw new AppError('INVALID_USER', 'a local user needs a password.');
    const passwordHash = input.password === undefined ? null : await this.hasher.hash(checkPassword(input.password));
    const user = await this.users.create({
      username: checkLogin(input.login),
      name: checkText('name', input.name),
      email: checkEmail(input.email),
      passwordHash,
      admin: input.admin ?? false,
      external,
      alert: false,
      disabled: false,
      createdAt: this.now(),
    });
    await this.audit.record('user.created', ctx, { userId: user.id, login: user.username, detail: { admin: user.admin } });
    return user;
  }

  list(): Promise<UserRecord[]> {
    return this.users.list();
  }

  /** The user whose username or e-mail is `loginOrEmail` (case-insensitively), if there is one. */
  find(loginOrEmail: string): Promise<UserRecord | undefined> {
    return this.users.findByLogin(loginOrEmail);
  }

  async get(loginOrEmail: string): Promise<UserRecord> {
    const user = await this.find(loginOrEmail);
    if (!user) throw new AppError('USER_NOT_FOUND', `No user with login or e-mail "${loginOrEmail}".`);
    return user;
  }

  /**
   * Changes a user. A new password ends the user's sessions: all of them when
   * an administrator changes it (the CLI), all but `keepSessionId` when the
   * user changes their own password from that session.
   */
  async change(loginOrEmail: string, changes: UserChanges, ctx: ClientContext, opts: { keepSessionId?: string } = {}): Promise<UserRecord> {
    const user = await this.get(loginOrEmail);
    const passwordHash = changes.password === undefined ? undefined : await this.hasher.hash(checkPassword(changes.password));
    await this.users.update(user.id, {
      ...(changes.login !== undefined ? { username: checkLogin(changes.login) } : {}),
      ...(changes.name !== undefined ? { name: checkText('name', changes.name) } : {}),
      ...(changes.email !== undefined ? { email: checkEmail(changes.email) } : {}),
      ...(changes.admin !== undefined ? { admin: changes.admin } : {}),
      ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : {}),
    });
    if (passwordHash !== undefined) {
      // Whoever knew the old password may hold a session: end them all (but the caller's own).
      const revoked = await this.sessions.revokeAllForUser(user.id, opts.keepSessionId);
      await this.audit.record('password.changed', ctx, { userId: user.id, login: user.username, detail: { sessions_revoked: revoked } });
    }
    const fields = Object.keys(changes).filter((k) => k !== 'password');
    if (fields.length > 0) await this.audit.record('user.updated', ctx, { userId: user.id, login: user.username, detail: { fields } });
    return (await this.users.findById(user.id))!;
  }

  async delete(loginOrEmail: string, ctx: ClientContext): Promise<UserRecord> {
    const user = await this.get(loginOrEmail);
    await this.users.delete(user.id);
    await this.audit.record('user.deleted', ctx, { userId: user.id, login: user.username });
    return user;
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
