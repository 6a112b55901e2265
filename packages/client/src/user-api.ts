import { BaseApi } from './base-api.js';
import { normaliseSessionCookie } from './cookies.js';
import type {
  RequestOptions, Session, TotpEnrolment, TotpPasscode, TotpRecoveryCodes, User, UserPutRequest, UserRequest, UsersUserIdPasswordPostRequest, UserSummary,
} from './models.js';
import { idSegment, PASSWORD_KEYS, pickBody, USER_PUT_KEYS, USER_REQUEST_KEYS, userIdSegment } from './wire.js';

/**
 * Users: the signed-in user, the seed's users administration (`users_*`
 * in the seed's `UserApi`, camel-cased: `users_user_id_put` →
 * `usersUserIdPut`), and semauth's self-service sessions.
 *
 * Every method takes an optional last argument `{ signal }` and rejects with
 * `ApiException` (non-2xx), `NetworkError` / `TimeoutError` (no answer) or
 * the signal's reason (aborted). semauth answers `403` when you are signed in
 * but not allowed (Semaphore: `401`).
 */
export class UserApi extends BaseApi {
  /**
   * Fetches the signed-in user (`GET /user`).
   *
   * @throws ApiException `401` when not authenticated.
   */
  async userGet(init?: RequestOptions): Promise<User> {
    const response = await this.send({ operation: 'userGet', signal: init?.signal });
    return response.body as User;
  }

  /**
   * Fetches all users, by id (`GET /users`). Administrators get whole
   * `User`s (with `disabled`); everyone else `{id, username, name}` of each
   * (`UserSummary`) — tell them apart with `'email' in user`.
   *
   * @throws ApiException `401` when not authenticated.
   */
  async usersGet(init?: RequestOptions): Promise<Array<User | UserSummary>> {
    const response = await this.send({ operation: 'usersGet', signal: init?.signal });
    return response.body as Array<User | UserSummary>;
  }

  /**
   * Creates a user (`POST /users`, answered `201` with the user).
   * Administrators only.
   *
   * @throws ApiException `400` a missing, wrongly typed or invalid field (a
   *   password under 12 characters, an e-mail that is none, …); `403` not an
   *   administrator; `409` the username or e-mail is taken.
   */
  async usersPost(user: UserRequest, init?: RequestOptions): Promise<User> {
    const response = await this.send({ operation: 'usersPost', body: pickBody(user, USER_REQUEST_KEYS), signal: init?.signal });
    return response.body as User;
  }

  /**
   * Fetches a user profile (`GET /users/{user_id}`): your own, or anyone's
   * for an administrator.
   *
   * @throws ApiException `403` someone else's, and you are not an
   *   administrator; `404` no such user.
   */
  async usersUserIdGet(userId: number, init?: RequestOptions): Promise<User> {
    const response = await this.send({ operation: 'usersUserIdGet', pathParams: { user_id: userIdSegment(userId) }, signal: init?.signal });
    return response.body as User;
  }

  /**
   * Updates user details (`PUT /users/{user_id}`, answered `204`). semauth
   * changes only the fields you set. You may change your own name, username
   * and e-mail; administrators anyone's, and others' `admin` and `disabled`.
   * Disabling a user ends all their sessions and tokens.
   *
   * @throws ApiException `400` invalid field (also: an external user's
   *   username, or your own `password` without `current_password`); `403`
   *   not allowed; `404` no such user; `409` username or e-mail taken, or
   *   no enabled administrator would remain.
   */
  async usersUserIdPut(userId: number, user: UserPutRequest, init?: RequestOptions): Promise<void> {
    await this.send({ operation: 'usersUserIdPut', pathParams: { user_id: userIdSegment(userId) }, body: pickBody(user, USER_PUT_KEYS), signal: init?.signal });
  }

  /**
   * Deletes a user with all their sessions and API tokens
   * (`DELETE /users/{user_id}`, answered `204`): your own account, or
   * anyone's for an administrator; never the last enabled administrator.
   *
   * @throws ApiException `403` someone else's, and you are not an
   *   administrator; `404` no such user; `409` the last enabled administrator.
   */
  async usersUserIdDelete(userId: number, init?: RequestOptions): Promise<void> {
    await this.send({ operation: 'usersUserIdDelete', pathParams: { user_id: userIdSegment(userId) }, signal: init?.signal });
  }

  /**
   * Updates a user's password (`POST /users/{user_id}/password`, answered
   * `204`). Your own needs `current_password` and ends your other sessions;
   * an administrator setting someone else's needs none and ends all of
   * theirs. API tokens keep working.
   *
   * @throws ApiException `400` a password under 12 characters, an external
   *   (LDAP/OIDC) user, a missing or wrong `current_password`; `403` someone
   *   else's, and you are not an administrator; `404` no such user; `429`
   *   too many wrong current passwords (see `headers.get('Retry-After')`).
   */
  async usersUserIdPasswordPost(userId: number, password: UsersUserIdPasswordPostRequest, init?: RequestOptions): Promise<void> {
    await this.send({
      operation: 'usersUserIdPasswordPost',
      pathParams: { user_id: userIdSegment(userId) },
      body: pickBody(password, PASSWORD_KEYS),
      signal: init?.signal,
    });
  }

  /**
   * semauth: your live sessions, newest first (`GET /user/sessions`), the
   * one these calls come with marked `current`. Semaphore answers `404`.
   *
   * @throws ApiException `401` when not authenticated.
   */
  async userSessionsGet(init?: RequestOptions): Promise<Session[]> {
    const response = await this.send({ operation: 'userSessionsGet', signal: init?.signal });
    return response.body as Session[];
  }

  /**
   * semauth: ends every session of yours but the current one
   * (`DELETE /user/sessions`, answered `204`); with an API token, all of
   * them. The token itself stays.
   */
  async userSessionsDelete(init?: RequestOptions): Promise<void> {
    await this.send({ operation: 'userSessionsDelete', signal: init?.signal });
  }

  /**
   * semauth: ends one of your sessions, on every server at once
   * (`DELETE /user/sessions/{session_id}`, answered `204`). Ending the
   * current one signs it out as `authLogoutPost()` does: the SDK then
   * forgets the cookie it kept in the configuration.
   *
   * @param sessionId an `id` from `userSessionsGet()`.
   * @throws ApiException `404` none of your live sessions has this id.
   */
  async userSessionsSessionIdDelete(sessionId: string, init?: RequestOptions): Promise<void> {
    if (typeof sessionId !== 'string' || sessionId === '') {
      // An empty id would silently address the collection instead: every other session.
      throw new TypeError('sessionId must be a non-empty string');
    }
    await this.send({ operation: 'userSessionsSessionIdDelete', pathParams: { session_id: sessionId }, signal: init?.signal });
    // The cookie is `<session id>.<secret>`: this configuration's own session just ended.
    const cookie = this.configuration.apiKey.cookie;
    if (cookie !== undefined && normaliseSessionCookie(cookie).split('.', 1)[0] === sessionId) this.configuration.apiKey.cookie = undefined;
  }

  /**
   * Starts setting up two-factor sign-in (`POST /users/{user_id}/2fas/totp`)
   * on your own account. The enrolment stays pending — it asks nothing at
   * sign-in — until `usersUserId2fasTotpTotpIdConfirmPost()` confirms it
   * with a first code. `url` (the `otpauth://` URI holding the secret) is
   * shown only in this answer. Starting again replaces a pending enrolment.
   *
   * @throws ApiException `403` another user's account (administrators
   *   included); `409` TOTP is already on; `404` the server has TOTP off.
   */
  async usersUserId2fasTotpPost(userId: number, init?: RequestOptions): Promise<TotpEnrolment> {
    const response = await this.send({ operation: 'usersUserId2fasTotpPost', pathParams: { user_id: userIdSegment(userId) }, signal: init?.signal });
    return response.body as TotpEnrolment;
  }

  /**
   * The pending enrolment's QR code, a PNG for an authenticator app to scan
   * (`GET /users/{user_id}/2fas/totp/{totp_id}/qr`). In a browser,
   * `URL.createObjectURL(blob)` shows it.
   *
   * @throws ApiException `404` no such enrolment of yours; `409` TOTP is on:
   *   its secret is never shown again.
   */
  async usersUserId2fasTotpTotpIdQrGet(userId: number, totpId: number, init?: RequestOptions): Promise<Blob> {
    const response = await this.send({
      operation: 'usersUserId2fasTotpTotpIdQrGet',
      pathParams: { user_id: userIdSegment(userId), totp_id: idSegment(totpId, 'totpId') },
      signal: init?.signal,
    });
    return response.body as Blob;
  }

  /**
   * Turns TOTP on with a first code from the app
   * (`POST /users/{user_id}/2fas/totp/{totp_id}/confirm`). The answer holds
   * the recovery codes — the only time they are shown.
   *
   * @throws ApiException `400` the code does not match
   *   (`WRONG_ENROLMENT_PASSCODE`); `404` no such pending enrolment; `409`
   *   already on.
   */
  async usersUserId2fasTotpTotpIdConfirmPost(userId: number, totpId: number, body: TotpPasscode, init?: RequestOptions): Promise<TotpRecoveryCodes> {
    const response = await this.send({
      operation: 'usersUserId2fasTotpTotpIdConfirmPost',
      pathParams: { user_id: userIdSegment(userId), totp_id: idSegment(totpId, 'totpId') },
      body: { passcode: body.passcode },
      signal: init?.signal,
    });
    return response.body as TotpRecoveryCodes;
  }

  /**
   * Turns TOTP off, or cancels a pending enrolment
   * (`DELETE /users/{user_id}/2fas/totp/{totp_id}`, answered `204`): your
   * own, or anyone's for an administrator. Needs a session past its code
   * step (or an API token).
   *
   * @param totpId `User.totp.id`, or the id of a pending enrolment.
   * @throws ApiException `403` someone else's, and you are not an
   *   administrator; `404` no such user or enrolment.
   */
  async usersUserId2fasTotpTotpIdDelete(userId: number, totpId: number, init?: RequestOptions): Promise<void> {
    await this.send({
      operation: 'usersUserId2fasTotpTotpIdDelete',
      pathParams: { user_id: userIdSegment(userId), totp_id: idSegment(totpId, 'totpId') },
      signal: init?.signal,
    });
  }
}
