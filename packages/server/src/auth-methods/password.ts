/**
 * Local passwords: the user's own Argon2id (or legacy bcrypt) hash. Every
 * attempt costs exactly one hash verification — a dummy one when the login
 * names no usable local account (unknown, external, disabled, no hash) — so
 * neither the answer nor its timing tells which accounts exist.
 */
import type { PasswordHasher } from '../crypto/passwords.js';
import { MAX_PASSWORD_LENGTH } from '../services/users.js';
import type { UserRecord, UserStore } from '../storage/types.js';
import type { FirstFactorContext, FirstFactorMethod, FirstFactorResult } from './types.js';

export class PasswordMethod implements FirstFactorMethod {
  readonly name = 'password';
  // Only the database can fail here, and that already answers 503 on its own.
  readonly unavailableCode = 'DATABASE_UNAVAILABLE' as const;

  constructor(
    private readonly users: UserStore,
    private readonly hasher: PasswordHasher,
  ) {}

  async firstFactor(_login: string, password: string, { account }: FirstFactorContext): Promise<FirstFactorResult> {
    // External users sign in elsewhere (LDAP, OIDC): not this method's account.
    const local = account && !account.external && account.passwordHash !== null ? account : undefined;
    const checkable = local && !local.disabled && password.length <= MAX_PASSWORD_LENGTH;
    const ok = checkable ? await this.hasher.verify(local.passwordHash!, password) : await this.hasher.verifyDummy(password);
    if (!local) return 'unknown';
    if (!ok) return 'rejected';
    await this.upgradeHash(local, password);
    return { user: local };
  }

  /** Upgrades legacy bcrypt (or weaker Argon2) hashes while we hold the plain password. */
  private async upgradeHash(user: UserRecord, password: string): Promise<void> {
    if (this.hasher.needsRehash(user.passwordHash!)) {
      await this.users.update(user.id, { passwordHash: await this.hasher.hash(password) });
    }
  }
}
