/**
 * The `semaphore` session cookie: reading it leniently (clients echo whole
 * Set-Cookie lines, or several joined by ", "), writing it strictly — and,
 * for Semaphore's own web UI, the marker cookie beside it.
 */
import { SESSION_COOKIE_PATTERN } from '../crypto/secrets.js';

export const COOKIE_NAME = 'semaphore';

/**
 * Semaphore's web UI decides that someone is signed in by looking for
 * `semaphore=` in `document.cookie`, which never shows the HttpOnly session
 * cookie. This cookie carries no secret and authenticates nothing: it only
 * makes that test true. Its name must end in `semaphore`; it must never be
 * read as the session cookie (readers compare whole names).
 */
export const UI_MARKER_COOKIE_NAME = 'ui_semaphore';

const SOLE_COOKIE_START = `${COOKIE_NAME}=`;
/** A session value is 16 + 1 + 32 characters (crypto/secrets.ts). */
const SOLE_COOKIE_LENGTH = SOLE_COOKIE_START.length + 49;

/** The cookies a request carries, by exact name (`ui_semaphore` is not `semaphore`). */
function cookieValues(header: string, name: string): string[] {
  const values: string[] = [];
  for (const part of header.split(/[;,]/)) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    values.push(value);
  }
  return values;
}

/**
 * The first well-formed `semaphore` value in a Cookie header. Attributes of
 * an echoed Set-Cookie line (`Path=/; HttpOnly`) are simply other pairs.
 * A header that is nothing but a bare session value is accepted too.
 */
export function readSessionCookie(header: string | undefined): string | null {
  if (!header) return null;
  // The usual header, `semaphore=<value>` and nothing else, without splitting it.
  if (header.length === SOLE_COOKIE_LENGTH && header.startsWith(SOLE_COOKIE_START)) {
    const value = header.slice(SOLE_COOKIE_START.length);
    if (SESSION_COOKIE_PATTERN.test(value)) return value;
  }
  const named = cookieValues(header, COOKIE_NAME).find((value) => SESSION_COOKIE_PATTERN.test(value));
  if (named !== undefined) return named;
  const bare = header.trim();
  return SESSION_COOKIE_PATTERN.test(bare) ? bare : null;
}

/** Whether the request carries the web UI's marker cookie. */
export function hasUiMarker(header: string | undefined): boolean {
  return header !== undefined && cookieValues(header, UI_MARKER_COOKIE_NAME).length > 0;
}

// Max-Age, not Expires, on every cookie that is set: an Expires date contains
// a comma, and one client joins all Set-Cookie lines with ", " before echoing them back.

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${COOKIE_NAME}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** Clears the cookie in every jar: same name and path, Max-Age=0 and a past Expires. */
export function clearedSessionCookie(secure: boolean): string {
  return `${COOKIE_NAME}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** Readable by script on purpose (no HttpOnly): it holds no secret. */
function uiMarkerCookie(maxAgeSeconds: number, secure: boolean): string {
  return `${UI_MARKER_COOKIE_NAME}=1; Path=/; Max-Age=${maxAgeSeconds}; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function clearedUiMarkerCookie(secure: boolean): string {
  return `${UI_MARKER_COOKIE_NAME}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export interface CookieSettings {
  /** `Secure` on every cookie of this response. */
  secure: boolean;
  /** SEMAUTH_SEMAPHORE_UI_COMPAT: the web UI's marker accompanies the session. */
  uiMarker: boolean;
}

/**
 * The Set-Cookie lines of a successful login, whatever the sign-in method:
 * the session cookie first (SPEC §3: clients read the first one), then the
 * web UI's marker when enabled, with the same lifetime.
 */
export function loginCookies(cookieValue: string, maxAgeSeconds: number, s: CookieSettings): string[] {
  const lines = [sessionCookie(cookieValue, maxAgeSeconds, s.secure)];
  if (s.uiMarker) lines.push(uiMarkerCookie(maxAgeSeconds, s.secure));
  return lines;
}

/** The Set-Cookie lines of a logout: the session cookie cleared first, then the marker. */
export function logoutCookies(s: CookieSettings): string[] {
  const lines = [clearedSessionCookie(s.secure)];
  if (s.uiMarker) lines.push(clearedUiMarkerCookie(s.secure));
  return lines;
}

/**
 * The state cookie of an OIDC sign-in in flight (auth-methods/oidc/): the
 * flow's secret, HttpOnly, SameSite=Lax (sent on the provider's top-level
 * redirect back, not on cross-site subrequests), limited to the callback's
 * path and to the sign-in's 10 minutes. The callback clears it, whatever
 * its outcome.
 */
export const OIDC_STATE_COOKIE_NAME = 'semauth_oidc_state';

export function oidcStateCookie(value: string, path: string, maxAgeSeconds: number, secure: boolean): string {
  return `${OIDC_STATE_COOKIE_NAME}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function clearedOidcStateCookie(path: string, secure: boolean): string {
  return `${OIDC_STATE_COOKIE_NAME}=; Path=${path}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The value of the first cookie called exactly `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  return header === undefined ? null : (cookieValues(header, name)[0] ?? null);
}
