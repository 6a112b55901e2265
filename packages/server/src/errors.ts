/**
 * The one error catalogue: every error the service can answer with, its HTTP
 * status and its human sentence. Services throw `AppError(code)`; the HTTP
 * error handler turns it into `{"error": message, "code": code}`. Messages of
 * 5xx errors never carry internals.
 */
export const ERRORS = {
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  INVALID_UTF8: { status: 400, message: 'The request body is not valid UTF-8.' },
  JSON_TOO_DEEP: { status: 400, message: 'The request body is nested too deeply.' },
  JSON_PROTOTYPE_KEY: { status: 400, message: 'The request body uses a reserved key: "__proto__" or "constructor" with "prototype".' },
  INVALID_BODY: { status: 400, message: 'The request body is missing or invalid.' },
  INVALID_LOGIN_BODY: { status: 400, message: 'The login body must be a JSON object with non-empty string fields "auth" and "password".' },
  INVALID_TOKEN_ID: { status: 400, message: 'The token id is malformed: 1 to 256 characters of A-Z, a-z, 0-9 and . _ ~ = + / - are expected.' },
  INVALID_TOKEN_OPTIONS: { status: 400, message: 'Token options must be {"name": string, "expires_at": RFC 3339 date-time in the future}.' },
  INVALID_QUERY: { status: 400, message: 'The query string is invalid.' },
  INVALID_USER_ID: { status: 400, message: 'The user id must be a whole number from 1 to 2147483647.' },
  CURRENT_PASSWORD_REQUIRED: { status: 400, message: 'Changing your own password needs your current one: send it as "current_password".' },
  WRONG_CURRENT_PASSWORD: { status: 400, message: 'The current password is wrong.' },
  BAD_REQUEST: { status: 400, message: 'The request is malformed.' },
  INVALID_PASSCODE_BODY: { status: 400, message: 'The body must be a JSON object with a string field "passcode": the 6-digit code of your authenticator app.' },
  INVALID_RECOVERY_BODY: { status: 400, message: 'The body must be a JSON object with a string field "recovery_code".' },
  INVALID_TOTP_ID: { status: 400, message: 'The TOTP id must be a whole number from 1 to 2147483647.' },
  WRONG_ENROLMENT_PASSCODE: { status: 400, message: 'The code does not match: check the time on your device and enter the current code.' },
  UNAUTHENTICATED: { status: 401, message: 'Authentication required: send a valid session cookie or API token.' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid login or password.' },
  // Semaphore's clients (its web UI) compare this `error` literally: it is its code, not a sentence.
  TOTP_REQUIRED: { status: 401, message: 'TOTP_REQUIRED' },
  WRONG_PASSCODE: { status: 401, message: 'The code is wrong, expired or already used.' },
  WRONG_RECOVERY_CODE: { status: 401, message: 'The recovery code is wrong or already used.' },
  PASSWORD_LOGIN_DISABLED: { status: 403, message: 'Password login is disabled on this server.' },
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  TOTP_ENROLMENT_REQUIRED: {
    status: 403,
    message: 'This server requires two-factor sign-in for your account: set up TOTP first (POST /api/users/{id}/2fas/totp).',
  },
  TOTP_RECOVERY_DISABLED: { status: 403, message: 'Recovery codes are turned off on this server.' },
  TOTP_ENROL_OTHERS: { status: 403, message: 'Only the user themself can set up their two-factor sign-in.' },
  CROSS_ORIGIN_REQUEST: { status: 403, message: 'Cross-origin request refused: the Origin or Referer is not allowed for cookie-authenticated requests.' },
  TOKEN_NOT_FOUND: { status: 404, message: 'No API token of yours matches this id.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'Not found.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed on this path.' },
  TOTP_NOT_FOUND: { status: 404, message: 'No such TOTP enrolment of this user.' },
  TOKEN_AMBIGUOUS: { status: 409, message: 'This 8-character id matches more than one of your tokens: use the whole token.' },
  USER_EXISTS: { status: 409, message: 'A user with this login or e-mail already exists.' },
  USER_AMBIGUOUS: { status: 409, message: 'This login or e-mail names several accounts: select the account by its id.' },
  TOTP_ALREADY_ENABLED: { status: 409, message: 'Two-factor sign-in is already on for this user: turn it off first to set it up again.' },
  LAST_ADMIN: { status: 409, message: 'This is the last enabled administrator: make another user an administrator first.' },
  SESSION_NOT_FOUND: { status: 404, message: 'No such session of this user.' },
  USER_NOT_FOUND: { status: 404, message: 'No such user.' },
  INVALID_USER: { status: 400, message: 'The user data is invalid.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type.' },
  EXPECTATION_FAILED: { status: 417, message: 'Unsupported Expect header: only 100-continue is understood.' },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many failed login attempts. Try again later.' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database is unavailable. Try again shortly.' },
  LDAP_UNAVAILABLE: { status: 503, message: 'The directory (LDAP) that checks this sign-in is unavailable. Try again shortly.' },
  SCHEMA_NOT_CURRENT: { status: 503, message: 'The database schema is older than this release: run `semauth migrate`.' },
  SHUTTING_DOWN: { status: 503, message: 'The server is shutting down. Retry on another instance.' },
  INTERNAL: { status: 500, message: 'Internal server error.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Codes whose `error` is the code itself, as Semaphore sends it (its clients compare the string). */
export const LITERAL_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['TOTP_REQUIRED']);

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    /** A more specific sentence; safe to show the client (never for 5xx). */
    detail?: string,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
    /** The failure behind it (logged for 5xx, never sent). */
    options?: { cause?: unknown },
  ) {
    super(detail ?? ERRORS[code].message, options);
    this.status = ERRORS[code].status;
  }
}

export function errorBody(code: ErrorCode, message?: string): { error: string; code: ErrorCode } {
  return { error: message ?? ERRORS[code].message, code };
}
