/** Name of the session cookie Semaphore (and semauth) set on login. */
export const SESSION_COOKIE_NAME = 'semaphore';

const PREFIX = `${SESSION_COOKIE_NAME}=`;

/** `name=value` of some other cookie: a value after the `=` (base64 padding only ends a value). */
const OTHER_COOKIE = /^[^=\s]+=[^=]/;

/**
 * Reduces whatever the user pasted to the bare session cookie value.
 *
 * Accepted shapes, because all of them turn up in the wild:
 * - the bare value `abc.def`,
 * - the pair `semaphore=abc.def`,
 * - a whole echoed `Set-Cookie` line `semaphore=abc.def; Path=/; HttpOnly`,
 * - a whole `Cookie` header `other=1; semaphore=abc.def`,
 * - several `Set-Cookie` lines joined by `, `, in any order.
 *
 * Only a part named exactly `semaphore` is the session: `ui_semaphore=1`
 * (the marker semauth sets for Semaphore's web UI) never is. A bare value
 * may itself end in `=` (base64 padding); a part that is another cookie's
 * pair is not taken for a bare value (the result is then empty).
 */
export function normaliseSessionCookie(input: string): string {
  const parts = input.split(/[;,]/).map((part) => part.trim());
  const named = parts.find((part) => part.startsWith(PREFIX));
  if (named !== undefined) return named.slice(PREFIX.length);
  const first = input.split(';', 1)[0]!.trim();
  return OTHER_COOKIE.test(first) ? '' : first;
}

/**
 * Finds the session cookie value in a response's `Set-Cookie` headers.
 *
 * Uses `Headers.getSetCookie()` (Node ≥ 19.7, modern browsers) because
 * `headers.get('set-cookie')` joins several cookies with `, `, which is
 * ambiguous next to `Expires=Thu, 01 Jan …`. The fallback still works for
 * semauth: its cookie value never contains `,`, `;` or spaces.
 * Browsers never expose `Set-Cookie` to scripts; there this returns
 * `undefined` and the browser's own cookie jar carries the session.
 */
export function sessionCookieFromResponse(headers: Headers): string | undefined {
  const lines =
    typeof headers.getSetCookie === 'function'
      ? headers.getSetCookie()
      : splitJoinedSetCookie(headers.get('set-cookie'));
  for (const line of lines) {
    const first = line.split(';', 1)[0]?.trim() ?? '';
    if (!first.startsWith(PREFIX)) continue;
    const value = first.slice(PREFIX.length);
    // An empty value is a "clear the cookie" instruction, not a session.
    if (value !== '') return value;
  }
  return undefined;
}

/** Splits a comma-joined Set-Cookie header at commas that start a new cookie. */
function splitJoinedSetCookie(joined: string | null): string[] {
  if (joined === null) return [];
  return joined.split(/,(?=\s*[^;,=\s]+=)/);
}
