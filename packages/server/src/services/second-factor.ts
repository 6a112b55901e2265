/**
 * The one place that decides what a cookie session may do with respect to
 * the second factor (SPEC §10), from the session's state and its user:
 * - a session still waiting for a TOTP code (`pending`) may only give one
 *   (POST /auth/verify, /auth/recovery) or sign out: every other route
 *   answers 401 TOTP_REQUIRED;
 * - with SEMAUTH_TOTP_REQUIRED, a user the policy covers who has no TOTP yet
 *   may, from a session that had no second factor, only set it up (and read
 *   GET /user, sign out): 403 TOTP_ENROLMENT_REQUIRED elsewhere. A session
 *   whose sign-in method vouched for a second factor (OIDC) is not held back;
 * - everything else is fully signed in.
 * API tokens never meet these rules: a token is the second factor's equal.
 * The authenticate guard asks `access`; new sessions start in `initialState`.
 */
import type { SecondFactorState, UserRecord } from '../storage/types.js';

export type SessionAccess = 'full' | 'totp-required' | 'enrolment-required';

export interface SecondFactorSettings {
  /** SEMAPHORE_TOTP_ENABLED. Off: no sign-in asks for a code, whatever enrolments remain. */
  totpEnabled: boolean;
  /** SEMAUTH_TOTP_REQUIRED. */
  required: 'off' | 'admins' | 'all';
}

export class SecondFactorPolicy {
  constructor(private readonly settings: SecondFactorSettings) {}

  /** Whether the policy makes this user turn TOTP on. */
  covers(user: UserRecord): boolean {
    return this.settings.required === 'all' || (this.settings.required === 'admins' && user.admin);
  }

  /**
   * How a new session of `user` starts. `satisfiedByMethod`: the sign-in
   * method proved a second factor of its own (OIDC, trusted to the
   * provider's MFA).
   */
  initialState(user: UserRecord, satisfiedByMethod: boolean): SecondFactorState {
    if (satisfiedByMethod) return 'provider';
    return this.settings.totpEnabled && user.totpId !== null ? 'pending' : 'none';
  }

  /** What a cookie session in `state` may do, its user being `user` as it is now. */
  access(user: UserRecord, state: SecondFactorState): SessionAccess {
    if (state === 'pending') return 'totp-required';
    if (state === 'none' && user.totpId === null && this.covers(user)) return 'enrolment-required';
    return 'full';
  }
}
