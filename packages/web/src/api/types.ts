/**
 * Shapes of the routes the UI uses beyond what @semauth/client types today,
 * taken from the specification. When the SDK gains these routes, its own
 * types replace these.
 */
import type { LoginMetadata, User } from '@semauth/client';

/** `GET /auth/login`, with the key servers with TOTP add (old servers omit it). */
export interface SignInOptions extends LoginMetadata {
  auth_methods?: {
    totp?: { enabled: boolean; allow_recovery: boolean };
  };
}

/** `GET /user`, with the TOTP enrolment a server with two-factor may report. */
export interface Account extends User {
  totp?: { id: number | string } | null;
}

/** `POST /users/{id}/2fas/totp`: a pending enrolment. */
export interface TotpEnrolment {
  id: number | string;
  /** The `otpauth://` URI; shown only here. */
  url: string;
}
