/**
 * The contract between the login service and the sign-in methods that check
 * a login and a password (local passwords, LDAP). The login service asks the
 * enabled methods in a fixed order and owns everything around them —
 * throttling, the one 401, sessions, cookies and the audit trail — so a
 * method only answers "whose password is this?". A method never writes a
 * cookie or a response, and never throws for a wrong password.
 *
 * Methods that sign in by redirecting the browser (OIDC) have routes of
 * their own and do not implement this; a second factor (TOTP) is a state of
 * the session, not a method.
 */
import type { ErrorCode } from '../errors.js';
import type { ClientContext, OperatorLog } from '../services/context.js';
import type { UserRecord } from '../storage/types.js';

/**
 * What a method found:
 * - `{ user }`: the password is right; sign this (enabled) local user in.
 * - `'unknown'`: the method has no account for this login; ask the next.
 * - `'rejected'`: the method has the account and refuses it (wrong password,
 *   a disabled user, a directory entry that would take over a local user).
 * - `'unavailable'`: the method could not decide because something it needs
 *   is down (a directory not answering). The login fails with the method's
 *   `unavailableCode` (a 503) unless a later method signs the user in.
 */
export type FirstFactorResult = { user: UserRecord } | 'unknown' | 'rejected' | 'unavailable';

export interface FirstFactorContext {
  client: ClientContext;
  /**
   * The local user whose username or e-mail is the login (case-insensitively),
   * looked up once by the login service for all methods.
   */
  account: UserRecord | undefined;
  /** Where to tell the operator what the client must not learn (why a directory failed). */
  log: OperatorLog;
}

export interface FirstFactorMethod {
  /** Recorded as the `method` of audit entries: `password`, `ldap`. */
  readonly name: string;
  /** The catalogue error answered when this method was `'unavailable'` and no other method signed the user in. */
  readonly unavailableCode: ErrorCode;
  /**
   * Checks the password. Must take about as long for every refusal it can
   * give, so that its timing does not tell which accounts exist.
   */
  firstFactor(login: string, password: string, ctx: FirstFactorContext): Promise<FirstFactorResult>;
}
