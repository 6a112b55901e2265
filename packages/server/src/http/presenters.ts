/**
 * JSON shapes on the wire. APIToken has exactly Semaphore's four fields unless
 * the request opted into semauth's extensions (SPEC §1 "API tokens"): one
 * Python client builds `Token(**body)` on a four-field class.
 */
import type { LiveSession } from '../services/sessions.js';
import type { UserSummary } from '../services/user-admin.js';
import type { TokenRecord, UserRecord } from '../storage/types.js';
import { toRfc3339 } from '../time.js';

export interface ApiTokenJson {
  id: string;
  created: string;
  expired: boolean;
  user_id: number;
  name?: string;
  expires_at?: string | null;
  last_used_at?: string | null;
}

export function tokenJson(t: TokenRecord, id: string, expired: boolean, extended: boolean): ApiTokenJson {
  const base: ApiTokenJson = { id, created: toRfc3339(t.createdAt), expired, user_id: t.userId };
  if (!extended) return base;
  return {
    ...base,
    name: t.name,
    expires_at: t.expiresAt === null ? null : toRfc3339(t.expiresAt),
    last_used_at: t.lastUsedAt === null ? null : toRfc3339(t.lastUsedAt),
  };
}

export function userJson(u: UserRecord, nonAdminCanCreateProject: boolean) {
  return {
    id: u.id,
    created: toRfc3339(u.createdAt),
    username: u.username,
    name: u.name,
    email: u.email,
    admin: u.admin,
    external: u.external,
    alert: u.alert,
    can_create_project: u.admin || nonAdminCanCreateProject,
    // Semaphore's field, only while TOTP is on: its id alone, never the secret.
    ...(u.totpId === null ? {} : { totp: { id: u.totpId } }),
  };
}

/** A user as an administrator sees them in the users API: GET /user's fields and semauth's `disabled`. */
export function adminUserJson(u: UserRecord, nonAdminCanCreateProject: boolean) {
  return { ...userJson(u, nonAdminCanCreateProject), disabled: u.disabled };
}

export function userSummaryJson(u: UserSummary) {
  return { id: u.id, username: u.username, name: u.name };
}

/** A live session, for its user (GET /user/sessions, which adds `current`) or an operator (the CLI); `id` is the public id, never the secret. */
export function sessionJson(s: LiveSession) {
  return {
    id: s.id,
    created: toRfc3339(s.createdAt),
    last_active: toRfc3339(s.lastActiveAt),
    expires: toRfc3339(s.expiresAt),
    address: s.address,
    user_agent: s.userAgent,
  };
}
