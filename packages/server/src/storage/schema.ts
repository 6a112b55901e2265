/** Table shapes as Kysely sees them. Times are epoch ms (bigint), flags 0/1. */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  name: string;
  email: string;
  password_hash: string | null;
  admin: number;
  external: number;
  alert: number;
  disabled: number;
  created_at: number;
  /** identityKey(username) and identityKey(email) (identity.ts); always set since migration 0002. */
  login_key: string;
  email_key: string;
  /** Since migration 0006: the user's confirmed TOTP enrolment (totp_enrolments.id), null without one. */
  totp_id: number | null;
}

/**
 * The registry that makes identities unique: one row per key of a login or
 * an e-mail, whichever it came from, so that no login equals another user's
 * login or e-mail and no e-mail another's. `user_id` is null for a key that
 * several accounts already shared when the keys were introduced: it signs
 * in nobody until all but one of them are renamed.
 */
export interface UserKeysTable {
  key: string;
  user_id: number | null;
}

export interface SessionsTable {
  id: string;
  secret_hash: string;
  user_id: number;
  created_at: number;
  last_active_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** Since migration 0005: where and with what the session signed in (null for older sessions). */
  address: string | null;
  user_agent: string | null;
  /** Since migration 0006: `none`, `pending`, `passed` or `provider` (types.ts SecondFactorState). */
  second_factor: string;
}

export interface ApiTokensTable {
  token_hash: string;
  prefix: string;
  user_id: number;
  name: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_started_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  event: string;
  user_id: number | null;
  login: string | null;
  address: string | null;
  user_agent: string | null;
  detail: string | null;
}

/** One OIDC sign-in in flight (migration 0003): keyed by a hash of the browser's state cookie, consumed once. */
export interface OidcStatesTable {
  id: string;
  provider: string;
  redirect_uri: string;
  return_to: string | null;
  created_at: number;
  expires_at: number;
}

/**
 * A user's TOTP enrolment (migration 0006): pending until a first code
 * confirms it, at most one per user. `secret` is sealed (AES-256-GCM,
 * auth-methods/totp/secret-box.ts), never plain; `last_step` is the RFC 6238
 * time step of the last code accepted, so that no code counts twice.
 */
export interface TotpEnrolmentsTable {
  id: Generated<number>;
  user_id: number;
  secret: string;
  created_at: number;
  confirmed_at: number | null;
  last_step: number | null;
}

/** The recovery codes of a confirmed enrolment, as SHA-256 digests; `used_at` once spent. */
export interface TotpRecoveryCodesTable {
  totp_id: number;
  code_hash: string;
  used_at: number | null;
}

export interface Database {
  users: UsersTable;
  user_keys: UserKeysTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  oidc_states: OidcStatesTable;
  totp_enrolments: TotpEnrolmentsTable;
  totp_recovery_codes: TotpRecoveryCodesTable;
}
