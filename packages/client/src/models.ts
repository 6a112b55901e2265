/*
 * Wire models of the Semaphore authentication API, as in Semaphore's own
 * contract (api-docs.yml) plus semauth's documented extensions.
 *
 * Date-times are kept as the strings the server sends (RFC 3339, UTC, whole
 * seconds: `2026-11-27T17:32:36Z`) instead of being parsed into `Date`:
 * the string is lossless, survives `JSON.stringify`/`structuredClone`/
 * `postMessage` unchanged, compares correctly as a string, and is exactly
 * what the server documents — so a model you log or store is the wire value.
 * `new Date(token.created)` parses one when you need arithmetic.
 */

/** RFC 3339 date-time in UTC with whole seconds, e.g. `2026-11-27T17:32:36Z`. */
export type DateTimeString = string;

/** Body of `POST /auth/login`. */
export interface Login {
  /** Username or e-mail address (matched case-insensitively). */
  auth: string;
  /** The user's password. */
  password: string;
}

/**
 * An API token as `GET /user/tokens` lists it and `POST /user/tokens`
 * creates it.
 *
 * The first four fields are Semaphore's. `name`, `expires_at` and
 * `last_used_at` are semauth extensions: this SDK asks for them
 * (`?extended=true`), so semauth always includes them; a Semaphore server
 * ignores the request and they are absent — hence optional.
 */
export interface APIToken {
  /**
   * From `userTokensPost()`: the whole secret token (44 characters, shown
   * this once). From `userTokensGet()`: its first 8 characters only.
   * Both forms are accepted by `userTokensApiTokenIdDelete()`.
   */
  id: string;
  /** When the token was created. */
  created: DateTimeString;
  /** `true` once the token is past its `expires_at`. */
  expired: boolean;
  /** Id of the owning user (≥ 1). */
  user_id: number;
  /** semauth: the token's label (may be empty). */
  name?: string;
  /** semauth: when the token stops working, or `null` for never. */
  expires_at?: DateTimeString | null;
  /** semauth: last use (coarse, about a minute), or `null` if never used. */
  last_used_at?: DateTimeString | null;
}

/** The signed-in user, from `GET /user`. Never contains a password hash. */
export interface User {
  /** User id (≥ 1). */
  id: number;
  /** When the user was created. */
  created: DateTimeString;
  /** Login name, unique case-insensitively. */
  username: string;
  /** Display name. */
  name: string;
  /** E-mail address, unique case-insensitively. */
  email: string;
  /** Administrator of the whole service. */
  admin: boolean;
  /** Signs in through LDAP or OIDC rather than a local password. */
  external: boolean;
  /** Wants alert e-mails (a Semaphore setting, kept for compatibility). */
  alert: boolean;
  /** May create projects (a Semaphore setting, kept for compatibility). */
  can_create_project: boolean;
}

/** One OpenID Connect provider offered on the login page. */
export interface OidcProvider {
  /** Id of the provider, used in the login URL (e.g. `mysso`). */
  id: string;
  /** Text to show on the login button. */
  name: string;
  /** Button colour, if configured. */
  color?: string;
  /** Button icon, if configured. */
  icon?: string;
}

/** How users can sign in, from `GET /auth/login`. No authentication needed. */
export interface LoginMetadata {
  /** OIDC providers; `[]` when none are configured. */
  oidc_providers: OidcProvider[];
  /** Whether `authLoginPost()` with a password is enabled. */
  login_with_password: boolean;
}

/** Options of `userTokensPost()`: semauth's token extensions. */
export interface CreateTokenOptions {
  /** A label for the token. */
  name?: string | undefined;
  /**
   * When the token stops working; must be in the future. A `Date` is sent
   * as whole-second UTC (rounded up, so a future instant stays future); a
   * string is sent as is and must be RFC 3339.
   */
  expiresAt?: Date | string | undefined;
}

/** Per-call options accepted as the last argument of every operation. */
export interface RequestOptions {
  /** Aborts the call; it then rejects with the signal's `reason`. */
  signal?: AbortSignal | undefined;
}
