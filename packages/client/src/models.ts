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
  /**
   * semauth, in the users API's answers to administrators only: the user may
   * not sign in, and has no sessions or tokens. Absent from `userGet()`.
   */
  disabled?: boolean;
  /**
   * Present only while the user has two-factor sign-in (TOTP) on — not
   * while an enrolment is pending (Semaphore's field; semauth sends its id
   * alone, never the secret).
   */
  totp?: UserTotp;
}

/** A user's TOTP, as `User.totp` shows it. */
export interface UserTotp {
  /** The enrolment: `usersUserId2fasTotpTotpIdDelete(userId, id)` turns it off. */
  id: number;
}

/** What `usersGet()` shows a user who is not an administrator about each user. */
export interface UserSummary {
  /** User id (≥ 1). */
  id: number;
  /** Login name. */
  username: string;
  /** Display name. */
  name: string;
}

/** Body of `usersPost()`: a new user. */
export interface UserRequest {
  /** Login name: unique with every login and e-mail, regardless of case and Unicode form; no spaces. */
  username: string;
  /** Display name. */
  name: string;
  /** E-mail address, unique like `username`. */
  email: string;
  /**
   * At least 12 characters. Without one, a local user cannot sign in until
   * it is set with `usersUserIdPasswordPost()`; an external user has none.
   */
  password?: string | undefined;
  /** Administrator of the whole service. */
  admin?: boolean | undefined;
  /** Wants alert e-mails (a Semaphore setting). */
  alert?: boolean | undefined;
  /** Signs in through LDAP or OIDC, never with a password here. */
  external?: boolean | undefined;
}

/**
 * Body of `usersUserIdPut()`. semauth changes only the fields present
 * (Semaphore sets absent ones to empty or false: send every field to it).
 */
export interface UserPutRequest {
  username?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
  alert?: boolean | undefined;
  /** Administrators only, and never their own. */
  admin?: boolean | undefined;
  /** semauth, administrators only, never their own: `true` ends every session and token of the user. */
  disabled?: boolean | undefined;
  /** A new password; your own also needs `current_password`. */
  password?: string | undefined;
  /** Your current password, when `password` changes your own. */
  current_password?: string | undefined;
}

/** Body of `usersUserIdPasswordPost()`. */
export interface UsersUserIdPasswordPostRequest {
  /** The new password: at least 12 characters. */
  password: string;
  /** semauth: your current password, required to change your own (an administrator setting someone else's needs none). */
  current_password?: string | undefined;
}

/** One of your live sessions, from `userSessionsGet()` (semauth). */
export interface Session {
  /** The session's public id (never its secret): `userSessionsSessionIdDelete(id)` ends it. */
  id: string;
  /** When it signed in. */
  created: DateTimeString;
  /** Last use, to the minute. */
  last_active: DateTimeString;
  /** When it ends unless used again: the idle limit or the absolute lifetime, whichever comes first. */
  expires: DateTimeString;
  /** Client address at sign-in; `null` for sessions older than this field. */
  address: string | null;
  /** User-Agent at sign-in (at most 256 characters); `null` when none was sent. */
  user_agent: string | null;
  /** The session these calls are made with (never true with an API token). */
  current: boolean;
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
  /** The second factors the server offers; absent from servers without them (Semaphore before 2.12). */
  auth_methods?: AuthMethods;
}

/** `LoginMetadata.auth_methods`. */
export interface AuthMethods {
  totp: TotpMethod;
}

/** Two-factor sign-in with an authenticator app (TOTP), as the server offers it. */
export interface TotpMethod {
  /** Users may turn TOTP on; a password sign-in of a user with it on then asks for a code (`authVerifyPost()`). */
  enabled: boolean;
  /** `authRecoveryPost()` accepts recovery codes. */
  allow_recovery: boolean;
}

/** Body of `authVerifyPost()` and `usersUserId2fasTotpTotpIdConfirmPost()`. */
export interface TotpPasscode {
  /** The 6-digit code the authenticator app shows. */
  passcode: string;
}

/** Body of `authRecoveryPost()`. */
export interface TotpRecoveryCode {
  /** One of the recovery codes (case, spaces and dashes do not matter). */
  recovery_code: string;
}

/** A pending TOTP enrolment, from `usersUserId2fasTotpPost()`. */
export interface TotpEnrolment {
  /** Its id, for the QR code, the confirmation and deletion. */
  id: number;
  /** The `otpauth://totp/…` URI holding the secret: shown only here. */
  url: string;
}

/** What confirming an enrolment answers: the recovery codes, shown this once. */
export interface TotpRecoveryCodes {
  /** Ten single-use codes; `[]` when the server has recovery codes off. */
  recovery_codes: string[];
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
