/**
 * The shapes the pages use, as @semauth/client types them: the UI talks to
 * the server only through the SDK.
 */
import type { LoginMetadata, TotpEnrolment, User } from '@semauth/client';

/** `GET /auth/login`: providers, password sign-in, and `auth_methods.totp` on servers with TOTP. */
export type SignInOptions = LoginMetadata;

/** `GET /user`: `totp` is there while the account has two-factor sign-in on. */
export type Account = User;

export type { TotpEnrolment };
