/**
 * The `semaphore` session cookie: reading it leniently (clients echo whole
 * Set-Cookie lines, or several joined by ", "), writing it strictly.
 */
import { SESSION_COOKIE_PATTERN } from '../crypto/secrets.js';

export const COOKIE_NAME = 'semaphore';

/**
 * The first well-formed `semaphore` value in a Cookie header. Attributes of
 * an echoed Set-Cookie line (`Path=/; HttpOnly`) are simply other pairs.
 * A header that is nothing but a bare session value is accepted too.
 */
export function readSessionCookie(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(/[;,]/)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== COOKIE_NAME) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (SESSION_COOKIE_PATTERN.test(value)) return value;
  }
  const bare = header.trim();
  return SESSION_COOKIE_PATTERN.test(bare) ? bare : null;
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  // Max-Age, not Expires: an Expires date contains a comma, and one client
  // joins all Set-Cookie lines with ", " before echoing them back.
  return `${COOKIE_NAME}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** Clears the cookie in every jar: same name and path, Max-Age=0 and a past Expires. */
export function clearedSessionCookie(secure: boolean): string {
  return `${COOKIE_NAME}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
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
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq >= 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
