import { BaseApi } from './base-api.js';
import { sessionCookieFromResponse } from './cookies.js';
import type { APIToken, CreateTokenOptions, Login, LoginMetadata, RequestOptions, TotpPasscode, TotpRecoveryCode } from './models.js';
import { createTokenBody } from './wire.js';

/**
 * Login, logout and API tokens: the seed's `AuthenticationApi`, one method
 * per endpoint, camel-cased (`auth_login_post` → `authLoginPost`).
 *
 * Every method takes an optional last argument `{ signal }` and rejects with
 * `ApiException` (non-2xx), `NetworkError` / `TimeoutError` (no answer) or
 * the signal's reason (aborted).
 */
export class AuthenticationApi extends BaseApi {
  /**
   * Performs login (`POST /auth/login`, answered `204`).
   *
   * In Node, the session cookie from `Set-Cookie` is stored in
   * `configuration.apiKey.cookie`, so later calls on the same configuration
   * are authenticated — the Python client leaves that to its users. In a
   * browser the cookie is `HttpOnly`; the browser keeps it and sends it
   * back (`credentials: 'include'`).
   *
   * Existing credentials are not sent: login always starts a new session.
   *
   * @throws ApiException `400` malformed body, `401` wrong credentials,
   *   `429` throttled (see `headers.get('Retry-After')`).
   */
  async authLoginPost(login: Login, init?: RequestOptions): Promise<void> {
    const response = await this.send({
      operation: 'authLoginPost',
      body: { auth: login.auth, password: login.password },
      signal: init?.signal,
    });
    const cookie = sessionCookieFromResponse(response.headers);
    if (cookie !== undefined) this.configuration.apiKey.cookie = cookie;
  }

  /**
   * Destroys the current session (`POST /auth/logout`, answered `204`) and
   * forgets the stored cookie. semauth revokes the session on the server, so
   * a copy of the cookie stops working too. A bearer token is not revoked.
   */
  async authLogoutPost(init?: RequestOptions): Promise<void> {
    await this.send({ operation: 'authLogoutPost', signal: init?.signal });
    this.configuration.apiKey.cookie = undefined;
  }

  /**
   * Lists the caller's API tokens, newest first (`GET /user/tokens`).
   * Each `id` is the token's first 8 characters only.
   *
   * @throws ApiException `401` when not authenticated.
   */
  async userTokensGet(init?: RequestOptions): Promise<APIToken[]> {
    const response = await this.send({ operation: 'userTokensGet', signal: init?.signal });
    return response.body as APIToken[];
  }

  /**
   * Creates an API token (`POST /user/tokens`, answered `201`). The returned
   * `id` is the whole secret token — the only time it is ever shown; use it
   * as `new Configuration({ apiKey: { bearer: token.id } })`.
   *
   * @param options semauth extensions: a `name` and an `expiresAt`. Without
   *   options the body is `{}`, which any Semaphore server accepts.
   * @throws ApiException `400` for an `expiresAt` not in the future,
   *   `401` when not authenticated.
   */
  async userTokensPost(options?: CreateTokenOptions, init?: RequestOptions): Promise<APIToken> {
    const response = await this.send({
      operation: 'userTokensPost',
      body: createTokenBody(options),
      signal: init?.signal,
    });
    return response.body as APIToken;
  }

  /**
   * Revokes one of the caller's API tokens (`DELETE /user/tokens/{id}`,
   * answered `204`, also for a token already revoked).
   *
   * @param apiTokenId the whole token or the 8-character id from
   *   `userTokensGet()`. Percent-encoded here (`=` becomes `%3D`).
   * @throws ApiException `404` when none of your tokens matches — also for
   *   ids semauth never issues (32-character hex ids, Semaphore's 52- or
   *   56-character ids, someone else's token): treat it as "already gone";
   *   `409` an 8-character id that matches several of your live tokens (use
   *   the whole token); `400` only for an id no server could issue: longer
   *   than 256 characters, or holding a character outside
   *   `[A-Za-z0-9._~=+/-]`.
   */
  async userTokensApiTokenIdDelete(apiTokenId: string, init?: RequestOptions): Promise<void> {
    if (typeof apiTokenId !== 'string' || apiTokenId === '') {
      // An empty id would silently address the collection instead.
      throw new TypeError('apiTokenId must be a non-empty string');
    }
    await this.send({
      operation: 'userTokensApiTokenIdDelete',
      pathParams: { api_token_id: apiTokenId },
      signal: init?.signal,
    });
  }

  /**
   * The code step of a sign-in (`POST /auth/verify`, answered `204`): after
   * `authLoginPost()` for a user with two-factor sign-in on, every call
   * fails with `401` and `body.error === 'TOTP_REQUIRED'` until this gets the
   * code the user's authenticator app shows. A session already past the step
   * gets `204` whatever the code. Needs the session's cookie (a token has no
   * code step).
   *
   * @throws ApiException `400` no passcode; `401` a wrong, expired or already
   *   used code (`body.code === 'WRONG_PASSCODE'`) or no session; `429` too
   *   many wrong codes (see `headers.get('Retry-After')`).
   */
  async authVerifyPost(body: TotpPasscode, init?: RequestOptions): Promise<void> {
    await this.send({ operation: 'authVerifyPost', body: { passcode: body.passcode }, signal: init?.signal });
  }

  /**
   * The code step with a recovery code instead (`POST /auth/recovery`,
   * answered `204`): one of those `usersUserId2fasTotpTotpIdConfirmPost()`
   * returned. It is spent.
   *
   * @throws ApiException `400` no recovery code; `401` wrong or already used
   *   (`WRONG_RECOVERY_CODE`); `403` recovery codes are off on the server;
   *   `429` too many wrong codes.
   */
  async authRecoveryPost(body: TotpRecoveryCode, init?: RequestOptions): Promise<void> {
    await this.send({ operation: 'authRecoveryPost', body: { recovery_code: body.recovery_code }, signal: init?.signal });
  }

  /**
   * Fetches login metadata (`GET /auth/login`): the OIDC providers,
   * whether password login is enabled, and (semauth, Semaphore ≥ 2.12)
   * `auth_methods.totp`. Needs no authentication.
   */
  async authLoginGet(init?: RequestOptions): Promise<LoginMetadata> {
    const response = await this.send({ operation: 'authLoginGet', signal: init?.signal });
    return response.body as LoginMetadata;
  }
}
