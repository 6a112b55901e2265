import { normaliseSessionCookie } from './cookies.js';

/** Credentials sent with authenticated requests. Either, both or none. */
export interface ApiKey {
  /**
   * An API token, sent as `Authorization: Bearer <token>`.
   * Create one with `AuthenticationApi.userTokensPost()`.
   */
  bearer?: string | undefined;
  /**
   * A session cookie, sent as `Cookie: semaphore=<value>`. Accepts the bare
   * value, `semaphore=<value>`, or a whole pasted `Set-Cookie` line.
   * `authLoginPost()` fills this in by itself in Node.
   */
  cookie?: string | undefined;
}

/**
 * `fetch`'s `credentials` mode. Spelled out rather than using the DOM's
 * `RequestCredentials`, which Node-only projects (`lib` without `DOM`) lack.
 */
export type CredentialsMode = 'include' | 'same-origin' | 'omit';

/** Options of {@link Configuration}; every one is optional. */
export interface ConfigurationParameters {
  /**
   * URL of the API root, including the `/api` suffix.
   * Default `http://localhost:3000/api`. May be relative (`/api`) in a
   * browser page served by the same origin.
   */
  basePath?: string | undefined;
  /** Credentials; see {@link ApiKey}. */
  apiKey?: ApiKey | undefined;
  /**
   * The `fetch` to use. Default: the global `fetch`, looked up at call time
   * so polyfills installed later are honoured.
   */
  fetch?: typeof fetch | undefined;
  /** Extra headers sent with every request (e.g. a tracing header). */
  headers?: Record<string, string> | undefined;
  /**
   * Per-request time limit in milliseconds, covering the response body too.
   * Default: none (like `fetch`). When it elapses the call rejects with
   * `TimeoutError`.
   */
  timeoutMs?: number | undefined;
  /**
   * The `credentials` mode passed to `fetch`. Default `'include'`, so a
   * browser sends and stores the `HttpOnly` session cookie (which scripts
   * cannot read) even when the API is on another origin. Use `'same-origin'`
   * for cross-origin bearer-only use against a server whose CORS policy does
   * not allow credentials. Node's `fetch` has no cookie jar and ignores it.
   */
  credentials?: CredentialsMode | undefined;
}

/** Default API root: a Semaphore or semauth server on its default port. */
export const DEFAULT_BASE_PATH = 'http://localhost:3000/api';

/**
 * Where to send requests and how to authenticate them. One instance may be
 * shared by several API classes; `authLoginPost()` and `authLogoutPost()`
 * update its `apiKey.cookie`, so they all see the session.
 */
export class Configuration {
  /** API root without a trailing slash. */
  readonly basePath: string;
  /**
   * Current credentials. A copy of what was passed in (the caller's object
   * is never mutated); login and logout change `apiKey.cookie` here.
   */
  readonly apiKey: ApiKey;
  /** The `fetch` given to the constructor, if any. */
  readonly fetch: typeof fetch | undefined;
  /** Extra headers sent with every request. */
  readonly headers: Readonly<Record<string, string>>;
  /** Per-request time limit in milliseconds, or `undefined` for none. */
  readonly timeoutMs: number | undefined;
  /** `credentials` mode passed to `fetch`. */
  readonly credentials: CredentialsMode;

  constructor(parameters: ConfigurationParameters = {}) {
    const timeoutMs = parameters.timeoutMs;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new RangeError(`timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
    }
    this.basePath = (parameters.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, '');
    this.apiKey = { ...parameters.apiKey };
    if (this.apiKey.cookie !== undefined) this.apiKey.cookie = normaliseSessionCookie(this.apiKey.cookie);
    this.fetch = parameters.fetch;
    this.headers = { ...parameters.headers };
    this.timeoutMs = timeoutMs;
    this.credentials = parameters.credentials ?? 'include';
  }

  /**
   * The headers that authenticate a request: `Authorization` when a bearer
   * token is set and `Cookie` when a session cookie is set (both when both;
   * the server then uses the bearer token).
   */
  authHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    const { bearer, cookie } = this.apiKey;
    if (bearer) headers['Authorization'] = `Bearer ${bearer}`;
    if (cookie !== undefined) {
      const value = normaliseSessionCookie(cookie);
      if (value !== '') headers['Cookie'] = `semaphore=${value}`;
    }
    return headers;
  }
}
