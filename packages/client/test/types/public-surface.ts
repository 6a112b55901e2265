/*
 * Type-level tests of the public surface. Never executed: typecheck.test.ts
 * compiles this file with tsc. `expectTypeOf` pins the exact types; each
 * `@ts-expect-error` line must fail to compile, or tsc reports the directive
 * as unused — so both "this must compile" and "this must not" are checked.
 */
import { expectTypeOf } from 'vitest';
import {
  ApiException,
  AuthenticationApi,
  Configuration,
  NetworkError,
  PingApi,
  TimeoutError,
  UserApi,
  type APIToken,
  type ConfigurationParameters,
  type CreateTokenOptions,
  type Login,
  type LoginMetadata,
  type OidcProvider,
  type RequestOptions,
  type Session,
  type TotpEnrolment,
  type TotpPasscode,
  type TotpRecoveryCode,
  type TotpRecoveryCodes,
  type User,
  type UserPutRequest,
  type UserRequest,
  type UsersUserIdPasswordPostRequest,
  type UserSummary,
} from '@semauth/client';

declare const signal: AbortSignal;
const configuration = new Configuration({
  basePath: 'http://127.0.0.1:3000/api',
  apiKey: { bearer: 'token', cookie: 'semaphore=value' },
  fetch: globalThis.fetch,
  headers: { 'X-Trace': '1' },
  timeoutMs: 5000,
});
new Configuration();
new Configuration({});
new Configuration({ apiKey: {} });
const auth = new AuthenticationApi(configuration);
const users = new UserApi(configuration);
const ping = new PingApi(configuration);
new AuthenticationApi();

// ── Operations: exact signatures ─────────────────────────────────────────
expectTypeOf(auth.authLoginPost).toEqualTypeOf<(login: Login, init?: RequestOptions) => Promise<void>>();
expectTypeOf(auth.authLogoutPost).toEqualTypeOf<(init?: RequestOptions) => Promise<void>>();
expectTypeOf(auth.userTokensGet).toEqualTypeOf<(init?: RequestOptions) => Promise<APIToken[]>>();
expectTypeOf(auth.userTokensPost).toEqualTypeOf<
  (options?: CreateTokenOptions, init?: RequestOptions) => Promise<APIToken>
>();
expectTypeOf(auth.userTokensApiTokenIdDelete).toEqualTypeOf<
  (apiTokenId: string, init?: RequestOptions) => Promise<void>
>();
expectTypeOf(auth.authLoginGet).toEqualTypeOf<(init?: RequestOptions) => Promise<LoginMetadata>>();
expectTypeOf(users.userGet).toEqualTypeOf<(init?: RequestOptions) => Promise<User>>();
expectTypeOf(ping.pingGet).toEqualTypeOf<(init?: RequestOptions) => Promise<string>>();
expectTypeOf(users.usersGet).toEqualTypeOf<(init?: RequestOptions) => Promise<Array<User | UserSummary>>>();
expectTypeOf(users.usersPost).toEqualTypeOf<(user: UserRequest, init?: RequestOptions) => Promise<User>>();
expectTypeOf(users.usersUserIdGet).toEqualTypeOf<(userId: number, init?: RequestOptions) => Promise<User>>();
expectTypeOf(users.usersUserIdPut).toEqualTypeOf<(userId: number, user: UserPutRequest, init?: RequestOptions) => Promise<void>>();
expectTypeOf(users.usersUserIdDelete).toEqualTypeOf<(userId: number, init?: RequestOptions) => Promise<void>>();
expectTypeOf(users.usersUserIdPasswordPost).toEqualTypeOf<
  (userId: number, password: UsersUserIdPasswordPostRequest, init?: RequestOptions) => Promise<void>
>();
expectTypeOf(users.userSessionsGet).toEqualTypeOf<(init?: RequestOptions) => Promise<Session[]>>();
expectTypeOf(users.userSessionsDelete).toEqualTypeOf<(init?: RequestOptions) => Promise<void>>();
expectTypeOf(users.userSessionsSessionIdDelete).toEqualTypeOf<(sessionId: string, init?: RequestOptions) => Promise<void>>();
expectTypeOf(auth.authVerifyPost).toEqualTypeOf<(body: TotpPasscode, init?: RequestOptions) => Promise<void>>();
expectTypeOf(auth.authRecoveryPost).toEqualTypeOf<(body: TotpRecoveryCode, init?: RequestOptions) => Promise<void>>();
expectTypeOf(users.usersUserId2fasTotpPost).toEqualTypeOf<(userId: number, init?: RequestOptions) => Promise<TotpEnrolment>>();
expectTypeOf(users.usersUserId2fasTotpTotpIdQrGet).toEqualTypeOf<(userId: number, totpId: number, init?: RequestOptions) => Promise<Blob>>();
expectTypeOf(users.usersUserId2fasTotpTotpIdConfirmPost).toEqualTypeOf<
  (userId: number, totpId: number, body: TotpPasscode, init?: RequestOptions) => Promise<TotpRecoveryCodes>
>();
expectTypeOf(users.usersUserId2fasTotpTotpIdDelete).toEqualTypeOf<(userId: number, totpId: number, init?: RequestOptions) => Promise<void>>();

// ── Calls that must compile ──────────────────────────────────────────────
void auth.authLoginPost({ auth: 'admin', password: 'pw' }, { signal });
void auth.userTokensPost();
void auth.userTokensPost({});
void auth.userTokensPost({ name: 'ci' });
void auth.userTokensPost({ expiresAt: new Date() });
void auth.userTokensPost({ expiresAt: '2030-01-01T00:00:00Z', name: 'ci' }, { signal });
void auth.userTokensPost({ name: undefined, expiresAt: undefined }); // even under exactOptionalPropertyTypes
void auth.userTokensApiTokenIdDelete('abcdefgh', { signal });
void users.userGet({ signal });
void users.usersPost({ username: 'u', name: 'n', email: 'u@example.org' });
void users.usersPost({ username: 'u', name: 'n', email: 'u@example.org', password: undefined, admin: true }, { signal });
void users.usersUserIdPut(2, {});
void users.usersUserIdPut(2, { name: 'n', disabled: undefined });
void users.usersUserIdPasswordPost(2, { password: 'p' });
void users.usersUserIdPasswordPost(2, { password: 'p', current_password: 'c' }, { signal });
void users.userSessionsSessionIdDelete('abc', { signal });
void ping.pingGet({});

// ── Models ───────────────────────────────────────────────────────────────
expectTypeOf<Login>().toEqualTypeOf<{ auth: string; password: string }>();
expectTypeOf<APIToken>().toEqualTypeOf<{
  id: string;
  created: string;
  expired: boolean;
  user_id: number;
  name?: string;
  expires_at?: string | null;
  last_used_at?: string | null;
}>();
expectTypeOf<User>().toEqualTypeOf<{
  id: number;
  created: string;
  username: string;
  name: string;
  email: string;
  admin: boolean;
  external: boolean;
  alert: boolean;
  can_create_project: boolean;
  disabled?: boolean;
  totp?: { id: number };
}>();
expectTypeOf<UserSummary>().toEqualTypeOf<{ id: number; username: string; name: string }>();
expectTypeOf<Session>().toEqualTypeOf<{
  id: string;
  created: string;
  last_active: string;
  expires: string;
  address: string | null;
  user_agent: string | null;
  current: boolean;
}>();
expectTypeOf<UsersUserIdPasswordPostRequest>().toEqualTypeOf<{ password: string; current_password?: string | undefined }>();
expectTypeOf<OidcProvider>().toEqualTypeOf<{ id: string; name: string; color?: string; icon?: string }>();
expectTypeOf<LoginMetadata>().toEqualTypeOf<{
  oidc_providers: OidcProvider[];
  login_with_password: boolean;
  auth_methods?: { totp: { enabled: boolean; allow_recovery: boolean } };
}>();
expectTypeOf<CreateTokenOptions['expiresAt']>().toEqualTypeOf<Date | string | undefined>();
expectTypeOf<RequestOptions>().toEqualTypeOf<{ signal?: AbortSignal | undefined }>();

// ── Configuration ────────────────────────────────────────────────────────
expectTypeOf(configuration.basePath).toEqualTypeOf<string>();
expectTypeOf(configuration.apiKey.cookie).toEqualTypeOf<string | undefined>();
expectTypeOf(configuration.apiKey.bearer).toEqualTypeOf<string | undefined>();
expectTypeOf(configuration.timeoutMs).toEqualTypeOf<number | undefined>();
expectTypeOf<ConfigurationParameters['fetch']>().toEqualTypeOf<typeof fetch | undefined>();
expectTypeOf(auth.configuration).toEqualTypeOf<Configuration>();

// ── Errors ───────────────────────────────────────────────────────────────
expectTypeOf<ApiException>().toExtend<Error>();
expectTypeOf<ApiException['status']>().toEqualTypeOf<number>();
expectTypeOf<ApiException['body']>().toEqualTypeOf<unknown>();
expectTypeOf<ApiException['headers']>().toEqualTypeOf<Headers>();
expectTypeOf<NetworkError>().toExtend<Error>();
expectTypeOf<TimeoutError>().toExtend<NetworkError>();
expectTypeOf<TimeoutError['timeoutMs']>().toEqualTypeOf<number>();

// ── Calls that must not compile ──────────────────────────────────────────
// @ts-expect-error login is required
void auth.authLoginPost();
// @ts-expect-error password is required
void auth.authLoginPost({ auth: 'admin' });
// @ts-expect-error auth must be a string
void auth.authLoginPost({ auth: 42, password: 'pw' });
// @ts-expect-error unknown login field (excess property)
void auth.authLoginPost({ auth: 'a', password: 'p', username: 'a' });
// @ts-expect-error the token id is a string
void auth.userTokensApiTokenIdDelete(42);
// @ts-expect-error the token id is required
void auth.userTokensApiTokenIdDelete();
// @ts-expect-error expiresAt is a Date or a string, not epoch millis
void auth.userTokensPost({ expiresAt: 1_900_000_000_000 });
// @ts-expect-error the wire name expires_at is not an option name
void auth.userTokensPost({ expires_at: '2030-01-01T00:00:00Z' });
// @ts-expect-error the name is a string
void auth.userTokensPost({ name: 7 });
// @ts-expect-error options come before the per-call init
void auth.userTokensPost({ signal });
// @ts-expect-error signal must be an AbortSignal
void auth.userTokensGet({ signal: 'stop' });
// @ts-expect-error the seed operations take no body
void auth.userTokensGet({ name: 'x' });
// @ts-expect-error basePath is a string, not a URL object
new Configuration({ basePath: new URL('http://x/api') });
// @ts-expect-error apiKey holds bearer and cookie only
new Configuration({ apiKey: { token: 'x' } });
// @ts-expect-error timeoutMs is a number
new Configuration({ timeoutMs: '5s' });
// @ts-expect-error credentials mode must be one of fetch's
new Configuration({ credentials: 'always' });
// @ts-expect-error the API classes take a Configuration, not its parameters… structurally incompatible
new AuthenticationApi({ basePath: 'http://x/api' });
// @ts-expect-error models are read as they come: a token's id is not a number
const wrongId: number = ({} as APIToken).id;
// @ts-expect-error user_id is a number, not a string
const wrongUserId: string = ({} as APIToken).user_id;
// @ts-expect-error userGet is on UserApi, not AuthenticationApi
void auth.userGet();
// @ts-expect-error the user id is a number, as in the seed
void users.usersUserIdGet('2');
// @ts-expect-error username is required to create a user
void users.usersPost({ name: 'n', email: 'e@example.org' });
// @ts-expect-error the password body needs the new password
void users.usersUserIdPasswordPost(2, { current_password: 'c' });
// @ts-expect-error the wire name is current_password
void users.usersUserIdPasswordPost(2, { password: 'p', currentPassword: 'c' });
// @ts-expect-error admin is a boolean
void users.usersUserIdPut(2, { admin: 'yes' });
// @ts-expect-error the session id is a string
void users.userSessionsSessionIdDelete(7);
// @ts-expect-error ApiException.body is unknown: narrow it before use
void (({} as ApiException).body.error);
void wrongId;
void wrongUserId;
