/**
 * Where the browser may be sent after signing in: a path on this site only.
 * `?redirect=` at the start of a sign-in and the `{path}` of the callback
 * (`…/redirect/{path}`, Semaphore's form) are both checked here.
 *
 * Accepted: an absolute path (`/project/3/history?x=1`), taken relative to
 * the web root. Refused: anything with a scheme or a host (`https://evil`,
 * `//evil`, `/\evil` — which browsers read as `//evil`), backslashes, control
 * characters, and overly long values. Dot segments are resolved and repeated
 * slashes collapsed, so the result can never start with `//` (`/..//evil`
 * resolves to `//evil` before collapsing). Characters outside ASCII come out
 * percent-encoded, fit for a Location header.
 */

const MAX_LENGTH = 2048;
const FORBIDDEN = /[\\\u0000-\u001f\u007f-\u009f]/;
/** A base that no real request has: the path must not leave it. */
const BASE = 'http://return-path.invalid';

/** The normalised path (with its query), or null when it is not a same-site path. */
export function sameSitePath(raw: string): string | null {
  if (raw.length === 0 || raw.length > MAX_LENGTH) return null;
  if (!raw.startsWith('/') || raw.startsWith('//') || FORBIDDEN.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE || url.username !== '' || url.password !== '') return null;
  const path = url.pathname.replace(/\/{2,}/g, '/');
  if (!path.startsWith('/') || path.startsWith('//')) return null;
  return `${path}${url.search}`;
}
