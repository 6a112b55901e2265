/**
 * The sign-in methods that check a login and a password, in the order the
 * login service asks them: local passwords first (no directory round trip,
 * and local users keep signing in while the directory is down), then LDAP
 * when `ldap_enable` is on. Redirect methods (OIDC) register their own routes
 * instead; a second factor (TOTP) is a session state.
 */
import type { Config } from '../config/schema.js';
import type { PasswordHasher } from '../crypto/passwords.js';
import type { UserService } from '../services/users.js';
import type { UserStore } from '../storage/types.js';
import { LdapMethod } from './ldap/method.js';
import { ldapSettings } from './ldap/settings.js';
import { PasswordMethod } from './password.js';
import type { FirstFactorMethod } from './types.js';

export function firstFactorMethods(config: Config, deps: { users: UserService; userStore: UserStore; hasher: PasswordHasher }): FirstFactorMethod[] {
  const methods: FirstFactorMethod[] = [new PasswordMethod(deps.userStore, deps.hasher)];
  if (config.ldapEnable) methods.push(new LdapMethod(ldapSettings(config), deps.users));
  return methods;
}
