/**
 * LDAP sign-in (Semaphore's `ldap_*` settings): the directory checks the
 * password (directory.ts), then the entry's mapped uid/mail/cn become the
 * local `external` user — created at the first sign-in, its name and e-mail
 * brought up to date at every later one. Users are created and changed only
 * through UserService, so the same identity rules and audit entries apply as
 * for users made by the CLI.
 *
 * A directory entry never takes over a local (non-external) user of the same
 * username or e-mail: that sign-in is refused like a wrong password, and the
 * operator's log says why.
 */
import { AppError } from '../../errors.js';
import { sameIdentity } from '../../identity.js';
import type { ClientContext, OperatorLog } from '../../services/context.js';
import { MAX_PASSWORD_LENGTH, type UserService } from '../../services/users.js';
import type { UserRecord } from '../../storage/types.js';
import type { FirstFactorContext, FirstFactorMethod, FirstFactorResult } from '../types.js';
import { checkPassword, type DirectoryAnswer } from './directory.js';
import { mappingAttributes, mapValue } from './mappings.js';
import type { LdapSettings } from './settings.js';

/** Longer logins cannot be anyone's: they are not sent to the directory. */
const MAX_LOGIN_LENGTH = 256;

/** Node's codes for a TLS peer whose certificate did not verify. */
const CERTIFICATE_ERRORS = /^(ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|CERT_[A-Z_]+)$/;

interface Mapped {
  username: string;
  email: string | undefined;
  name: string | undefined;
}

export class LdapMethod implements FirstFactorMethod {
  readonly name = 'ldap';
  readonly unavailableCode = 'LDAP_UNAVAILABLE' as const;
  private readonly attributes: string[];

  constructor(
    private readonly settings: LdapSettings,
    private readonly users: UserService,
  ) {
    const { uid, mail, cn } = settings.mappings;
    this.attributes = [...new Set([uid, mail, cn].flatMap(mappingAttributes))];
  }

  async firstFactor(login: string, password: string, { client, log }: FirstFactorContext): Promise<FirstFactorResult> {
    // An empty password would be an "unauthenticated bind", which many directories answer with success.
    if (password === '' || password.length > MAX_PASSWORD_LENGTH || login.length > MAX_LOGIN_LENGTH) return 'unknown';
    const answer = await checkPassword(this.settings, login, password, this.attributes);
    switch (answer.kind) {
      case 'no-entry':
        return 'unknown';
      case 'wrong-password':
        return 'rejected';
      case 'ambiguous':
        log.warn({ ldap: this.settings.url }, 'LDAP sign-in refused: the search filter matched several entries (make ldap_searchfilter match one entry per login)');
        return 'rejected';
      case 'unavailable':
        this.reportUnavailable(answer, log);
        return 'unavailable';
      case 'verified':
        return this.localUser(answer, client, log);
    }
  }

  /** The local user for a verified entry: found by username or e-mail, created or refreshed. */
  private async localUser(answer: Extract<DirectoryAnswer, { kind: 'verified' }>, client: ClientContext, log: OperatorLog): Promise<FirstFactorResult> {
    const { uid, mail, cn } = this.settings.mappings;
    const uidValue = mapValue(uid, answer.values);
    if (uidValue === undefined) {
      log.warn({ ldap: this.settings.url, dn: answer.dn }, `LDAP sign-in refused: the entry has no value for ldap_mappings.uid (${uid.expression})`);
      return 'rejected';
    }
    const mapped: Mapped = { username: uidValue.toLowerCase(), email: mapValue(mail, answer.values), name: mapValue(cn, answer.values) };
    // Twice at most: a first sign-in racing another one of the same user finds the user the other created.
    for (let round = 0; round < 2; round++) {
      const existing = await this.findLocal(mapped, answer.dn, log);
      if (existing === 'conflict') return 'rejected';
      if (existing) return this.signInExisting(existing, mapped, answer.dn, client, log);
      if (mapped.email === undefined) {
        log.warn({ ldap: this.settings.url, dn: answer.dn }, `LDAP sign-in refused: the entry has no value for ldap_mappings.mail (${mail.expression}), which a new user needs`);
        return 'rejected';
      }
      try {
        const user = await this.users.add({ login: mapped.username, name: mapped.name ?? mapped.username, email: mapped.email, external: true }, client);
        return { user };
      } catch (e) {
        if (e instanceof AppError && e.code === 'USER_EXISTS') continue;
        if (e instanceof AppError && e.code === 'INVALID_USER') {
          log.warn({ ldap: this.settings.url, dn: answer.dn, reason: e.message }, 'LDAP sign-in refused: the entry does not make a valid user');
          return 'rejected';
        }
        throw e;
      }
    }
    return 'rejected';
  }

  /** The local user the entry maps to by username or e-mail; `'conflict'` when that must not sign in. */
  private async findLocal(mapped: Mapped, dn: string, log: OperatorLog): Promise<UserRecord | undefined | 'conflict'> {
    const byName = await this.users.find(mapped.username);
    const byMail = mapped.email === undefined ? undefined : await this.users.find(mapped.email);
    if (byName && byMail && byName.id !== byMail.id) {
      log.warn({ ldap: this.settings.url, dn, users: [byName.id, byMail.id] }, 'LDAP sign-in refused: the entry\'s uid and mail belong to two different local users');
      return 'conflict';
    }
    const user = byName ?? byMail;
    if (user && !user.external) {
      log.warn({ ldap: this.settings.url, dn, user: user.id }, 'LDAP sign-in refused: a local (non-external) user has this username or e-mail and is never taken over by a directory entry');
      return 'conflict';
    }
    return user;
  }

  /** Signs in an external user, first bringing a changed name or e-mail up to date. */
  private async signInExisting(user: UserRecord, mapped: Mapped, dn: string, client: ClientContext, log: OperatorLog): Promise<FirstFactorResult> {
    if (user.disabled) return 'rejected';
    const changes = {
      ...(mapped.name !== undefined && mapped.name !== user.name ? { name: mapped.name } : {}),
      ...(mapped.email !== undefined && !sameIdentity(mapped.email, user.email) ? { email: mapped.email } : {}),
    };
    if (Object.keys(changes).length === 0) return { user };
    try {
      return { user: (await this.users.change({ id: user.id }, changes, client)).user };
    } catch (e) {
      if (!(e instanceof AppError) || (e.code !== 'USER_EXISTS' && e.code !== 'INVALID_USER')) throw e;
      // The sign-in itself is right; only the copy of the directory's data could not be refreshed.
      log.warn({ ldap: this.settings.url, dn, user: user.id, reason: e.message }, 'LDAP sign-in: the changed name or e-mail could not be copied to the user');
      return { user };
    }
  }

  private reportUnavailable(answer: Extract<DirectoryAnswer, { kind: 'unavailable' }>, log: OperatorLog): void {
    const code = (answer.error as { code?: unknown }).code;
    const details = { ldap: this.settings.url, stage: answer.stage, err: { message: answer.error.message, ...(code !== undefined ? { code } : {}) } };
    if (typeof code === 'string' && CERTIFICATE_ERRORS.test(code)) {
      log.error(details, 'LDAP sign-in unavailable: the directory\'s TLS certificate did not verify (SEMAUTH_LDAP_CA_FILE names the CA that signed it)');
    } else if (typeof code === 'number' && answer.stage === 'service-bind') {
      log.error(details, 'LDAP sign-in unavailable: the directory refused the service account (check ldap_binddn and ldap_bindpassword)');
    } else if (typeof code === 'number') {
      log.error(details, 'LDAP sign-in unavailable: the directory refused the search (check ldap_searchdn and ldap_searchfilter)');
    } else {
      log.warn(details, 'LDAP sign-in unavailable: the directory did not answer');
    }
  }
}
