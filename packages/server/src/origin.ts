/**
 * The one reading of a URL as a web origin, shared by the settings that name
 * origins (SEMAPHORE_WEB_ROOT, SEMAUTH_ALLOWED_ORIGINS) and the same-origin
 * guard that compares a browser's Origin/Referer with them: both sides must
 * normalise alike (lower-case host, default port dropped) or a correct
 * setting would never match.
 */

/** The URL when `value` is an absolute http(s) URL, else null. */
export function parseHttpUrl(value: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

/** `scheme://host[:port]` of an absolute http(s) URL, else null (`null`, `file://…`, garbage). */
export function httpOrigin(value: string): string | null {
  return parseHttpUrl(value)?.origin ?? null;
}
