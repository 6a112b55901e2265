/**
 * From the provider's verified claims to the local user, by the rules
 * Semaphore uses and semauth tightens:
 *
 * - The user is found by the e-mail claim (compared as the identity rules
 *   compare e-mails). A provider that says it has not verified the address
 *   (`email_verified: false`) is not believed: anyone could then claim
 *   someone else's address there and sign in as them here.
 * - First sign-in creates an `external` user with the username and name
 *   claims (the username falls back to the e-mail's local part, the name to
 *   the username), through UserService, so the same identity rules and audit
 *   entries apply as for users the CLI makes.
 * - A local (non-external) user with that e-mail is not taken over unless
 *   SEMAUTH_OIDC_LINK_LOCAL=true; a username already held by another user is
 *   never taken over either (`oidc_conflict`). A disabled user gets no session.
 * - An external user's name follows the provider's name claim.
 */
import { AppError } from '../../errors.js';
import { sameIdentity } from '../../identity.js';
import type { ClientContext, OperatorLog } from '../../services/context.js';
import type { UserService } from '../../services/users.js';
import type { UserRecord } from '../../storage/types.js';
import { claimValue } from './claims.js';
import type { OidcProviderConfig } from './config.js';
import { OidcFailure } from './failures.js';

export interface Identity {
  email: string;
  username: string;
  name: string;
}

/** The identity the claims describe, or an `oidc_user` failure saying what is missing. */
export function identityFromClaims(provider: OidcProviderConfig, claims: Readonly<Record<string, unknown>>): Identity {
  const email = claimValue(provider.emailClaim, claims);
  if (email === undefined) {
    throw new OidcFailure('oidc_user', { why: `the claims have no value for email_claim (${provider.emailClaim.expression})` });
  }
  if (claims.email_verified === false || claims.email_verified === 'false') {
    throw new OidcFailure('oidc_user', { why: 'the provider says it has not verified the e-mail address (email_verified: false)' });
  }
  const username = claimValue(provider.usernameClaim, claims) ?? email.slice(0, email.lastIndexOf('@'));
  const name = claimValue(provider.nameClaim, claims) ?? username;
  return { email, username, name };
}

export class OidcAccounts {
  constructor(
    private readonly users: UserService,
    private readonly linkLocal: boolean,
  ) {}

  /** The user to sign in, created at the first sign-in; throws OidcFailure when there is none to be had. */
  async resolve(identity: Identity, client: ClientContext, log: OperatorLog): Promise<UserRecord> {
    // Twice at most: a first sign-in racing another one of the same user finds the user the other created.
    for (let round = 0; round < 2; round++) {
      const existing = await this.findByEmail(identity.email);
      if (existing) return this.signInExisting(existing, identity, client, log);
      try {
        return await this.users.add({ login: identity.username, name: identity.name, email: identity.email, external: true }, client);
      } catch (e) {
        if (e instanceof AppError && e.code === 'INVALID_USER') throw new OidcFailure('oidc_user', { why: e.message });
        if (!(e instanceof AppError) || e.code !== 'USER_EXISTS') throw e;
        // Taken: by a user of this e-mail created meanwhile (next round finds it), or by another user's username.
      }
    }
    throw new OidcFailure('oidc_conflict', { why: 'another user already has the username (or e-mail) the provider gave; it is never taken over' });
  }

  /** The user whose e-mail (not username) is this address, by the identity rules. */
  private async findByEmail(email: string): Promise<UserRecord | undefined> {
    const user = await this.users.find(email);
    return user && sameIdentity(user.email, email) ? user : undefined;
  }

  private async signInExisting(user: UserRecord, identity: Identity, client: ClientContext, log: OperatorLog): Promise<UserRecord> {
    if (!user.external && !this.linkLocal) {
      throw new OidcFailure('oidc_conflict', {
        user: user.id,
        why: 'a local (non-external) user has this e-mail and is not taken over (SEMAUTH_OIDC_LINK_LOCAL=true would let the provider sign it in)',
      });
    }
    if (user.disabled) throw new OidcFailure('oidc_disabled', { user: user.id });
    if (!user.external || identity.name === user.name) return user;
    try {
      return (await this.users.change({ id: user.id }, { name: identity.name }, client)).user;
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'INVALID_USER') throw e;
      // The sign-in itself is right; only the copy of the provider's name could not be refreshed.
      log.warn({ user: user.id, reason: e.message }, 'OIDC sign-in: the changed name could not be copied to the user');
      return user;
    }
  }
}
