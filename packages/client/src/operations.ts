/**
 * Every endpoint the SDK calls, as data: one row per method. The API
 * classes only name a row; `send()` turns it into a request. Kept as data so
 * that a test can hold it against the server's `GET /api/openapi.json` —
 * a path, method, status or auth requirement cannot drift unnoticed.
 */
export interface OperationSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below `basePath`; `{name}` marks a path parameter. */
  path: string;
  /** Fixed query parameters sent on every call. */
  query?: Readonly<Record<string, string>>;
  /** Send the configured credentials. Off for the public routes. */
  authenticated: boolean;
  /** What a successful response carries: `nothing` means `204`; `png` an image, as a `Blob`. */
  expect: 'json' | 'text' | 'nothing' | 'png';
}

/**
 * Asks semauth to include its token extensions (`name`, `expires_at`,
 * `last_used_at`). Sent on every token request; Semaphore ignores it.
 */
const EXTENDED = { extended: 'true' } as const;

export const OPERATIONS = {
  authLoginPost: { method: 'POST', path: '/auth/login', authenticated: false, expect: 'nothing' },
  authLogoutPost: { method: 'POST', path: '/auth/logout', authenticated: true, expect: 'nothing' },
  userTokensGet: { method: 'GET', path: '/user/tokens', query: EXTENDED, authenticated: true, expect: 'json' },
  userTokensPost: { method: 'POST', path: '/user/tokens', query: EXTENDED, authenticated: true, expect: 'json' },
  userTokensApiTokenIdDelete: {
    method: 'DELETE',
    path: '/user/tokens/{api_token_id}',
    query: EXTENDED,
    authenticated: true,
    expect: 'nothing',
  },
  authLoginGet: { method: 'GET', path: '/auth/login', authenticated: false, expect: 'json' },
  userGet: { method: 'GET', path: '/user', authenticated: true, expect: 'json' },
  usersGet: { method: 'GET', path: '/users', authenticated: true, expect: 'json' },
  usersPost: { method: 'POST', path: '/users', authenticated: true, expect: 'json' },
  usersUserIdGet: { method: 'GET', path: '/users/{user_id}', authenticated: true, expect: 'json' },
  usersUserIdPut: { method: 'PUT', path: '/users/{user_id}', authenticated: true, expect: 'nothing' },
  usersUserIdDelete: { method: 'DELETE', path: '/users/{user_id}', authenticated: true, expect: 'nothing' },
  usersUserIdPasswordPost: { method: 'POST', path: '/users/{user_id}/password', authenticated: true, expect: 'nothing' },
  userSessionsGet: { method: 'GET', path: '/user/sessions', authenticated: true, expect: 'json' },
  userSessionsDelete: { method: 'DELETE', path: '/user/sessions', authenticated: true, expect: 'nothing' },
  userSessionsSessionIdDelete: { method: 'DELETE', path: '/user/sessions/{session_id}', authenticated: true, expect: 'nothing' },
  authVerifyPost: { method: 'POST', path: '/auth/verify', authenticated: true, expect: 'nothing' },
  authRecoveryPost: { method: 'POST', path: '/auth/recovery', authenticated: true, expect: 'nothing' },
  usersUserId2fasTotpPost: { method: 'POST', path: '/users/{user_id}/2fas/totp', authenticated: true, expect: 'json' },
  usersUserId2fasTotpTotpIdQrGet: { method: 'GET', path: '/users/{user_id}/2fas/totp/{totp_id}/qr', authenticated: true, expect: 'png' },
  usersUserId2fasTotpTotpIdConfirmPost: { method: 'POST', path: '/users/{user_id}/2fas/totp/{totp_id}/confirm', authenticated: true, expect: 'json' },
  usersUserId2fasTotpTotpIdDelete: { method: 'DELETE', path: '/users/{user_id}/2fas/totp/{totp_id}', authenticated: true, expect: 'nothing' },
  pingGet: { method: 'GET', path: '/ping', authenticated: false, expect: 'text' },
} as const satisfies Record<string, OperationSpec>;

export type OperationName = keyof typeof OPERATIONS;

/** Fills `{name}` placeholders, percent-encoding each value (`=` → `%3D`). */
export function expandPath(template: string, params: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
