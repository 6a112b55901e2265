/**
 * Everything the pages ask of the server, in one object, through
 * @semauth/client exactly as any user of the SDK would call it. Pages
 * depend on this interface only.
 */
import { AuthenticationApi, Configuration, UserApi, type APIToken, type CreateTokenOptions, type Session } from '@semauth/client';
import type { Account, SignInOptions, TotpEnrolment } from './types.js';

export type { Account, SignInOptions, TotpEnrolment };
export type { APIToken, Session };

export interface Api {
  /** The API root, e.g. `https://example.com/semaphore/api`. */
  readonly basePath: string;
  signInOptions(): Promise<SignInOptions>;
  signIn(login: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  account(): Promise<Account>;
  /** Where an OIDC provider's button leads; `redirect` is a path under the web root, e.g. `/tokens`. */
  oidcSignInUrl(providerId: string, redirect: string): string;
  tokens: {
    list(): Promise<APIToken[]>;
    create(options: CreateTokenOptions): Promise<APIToken>;
    revoke(id: string): Promise<void>;
  };
  sessions: {
    list(): Promise<Session[]>;
    end(id: string): Promise<void>;
    endOthers(): Promise<void>;
  };
  totp: {
    verify(passcode: string): Promise<void>;
    useRecoveryCode(code: string): Promise<void>;
    start(userId: number): Promise<TotpEnrolment>;
    qrCode(userId: number, totpId: number): Promise<Blob>;
    /** Turns TOTP on; resolves with the recovery codes, shown this once. */
    confirm(userId: number, totpId: number, passcode: string): Promise<string[]>;
    /** Turns TOTP off, or cancels a pending enrolment. */
    disable(userId: number, totpId: number): Promise<void>;
  };
}

/** How long any one call may take before the page says the server did not answer. */
const TIMEOUT_MS = 30_000;

export function createApi(basePath: string): Api {
  // Same origin: the browser keeps the HttpOnly session cookie and sends it back.
  const configuration = new Configuration({ basePath, credentials: 'same-origin', timeoutMs: TIMEOUT_MS });
  const auth = new AuthenticationApi(configuration);
  const user = new UserApi(configuration);
  return {
    basePath: configuration.basePath,
    signInOptions: () => auth.authLoginGet(),
    signIn: (login, password) => auth.authLoginPost({ auth: login, password }),
    signOut: () => auth.authLogoutPost(),
    account: () => user.userGet(),
    oidcSignInUrl: (providerId, redirect) =>
      `${configuration.basePath}/auth/oidc/${encodeURIComponent(providerId)}/login?redirect=${encodeURIComponent(redirect)}`,
    tokens: {
      list: () => auth.userTokensGet(),
      create: (options) => auth.userTokensPost(options),
      revoke: (id) => auth.userTokensApiTokenIdDelete(id),
    },
    sessions: {
      list: () => user.userSessionsGet(),
      end: (id) => user.userSessionsSessionIdDelete(id),
      endOthers: () => user.userSessionsDelete(),
    },
    totp: {
      verify: (passcode) => auth.authVerifyPost({ passcode }),
      useRecoveryCode: (code) => auth.authRecoveryPost({ recovery_code: code }),
      start: (userId) => user.usersUserId2fasTotpPost(userId),
      qrCode: (userId, totpId) => user.usersUserId2fasTotpTotpIdQrGet(userId, totpId),
      confirm: async (userId, totpId, passcode) => (await user.usersUserId2fasTotpTotpIdConfirmPost(userId, totpId, { passcode })).recovery_codes,
      disable: (userId, totpId) => user.usersUserId2fasTotpTotpIdDelete(userId, totpId),
    },
  };
}
