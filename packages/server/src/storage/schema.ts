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

export interface Database {
  users: UsersTable;
  user_keys: UserKeysTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  oidc_states: OidcStatesTable;
}
