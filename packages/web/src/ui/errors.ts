/**
 * What went wrong, in words for the page. The SDK's errors carry the status
 * and the server's `{"error", "code"}` body; these helpers read them.
 */
import { ApiException, NetworkError, TimeoutError } from '@semauth/client';

function bodyField(error: ApiException, field: 'error' | 'code'): string | undefined {
  const body = error.body;
  if (typeof body === 'object' && body !== null && field in body) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** The server's machine code of a failure (`WRONG_PASSCODE`, …), if it sent one. */
export function errorCode(error: unknown): string | undefined {
  return error instanceof ApiException ? bodyField(error, 'code') : undefined;
}

/** Signed in, but the server requires this account to set up two-factor sign-in first. */
export function isEnrolmentRequired(error: unknown): boolean {
  return error instanceof ApiException && error.status === 403 && bodyField(error, 'code') === 'TOTP_ENROLMENT_REQUIRED';
}

/** The session is gone (expired, revoked, signed out elsewhere): sign in again. */
export function isSignedOut(error: unknown): boolean {
  return error instanceof ApiException && error.status === 401 && !isTotpRequired(error);
}

/** Signed in with a password, but the account's second factor is still to be given. */
export function isTotpRequired(error: unknown): boolean {
  if (!(error instanceof ApiException) || error.status !== 401) return false;
  return bodyField(error, 'error') === 'TOTP_REQUIRED' || bodyField(error, 'code') === 'TOTP_REQUIRED';
}

/** The server has no such route: an older server, or a feature it does not offer. */
export function isNotAvailable(error: unknown): boolean {
  if (!(error instanceof ApiException) || (error.status !== 404 && error.status !== 405)) return false;
  const code = bodyField(error, 'code');
  return code === undefined || code === 'ROUTE_NOT_FOUND' || code === 'METHOD_NOT_ALLOWED';
}

export function hasStatus(error: unknown, status: number): error is ApiException {
  return error instanceof ApiException && error.status === status;
}

/** `Retry-After` of a 429, in whole minutes (at least one), if the server sent it. */
export function retryAfterMinutes(error: ApiException): number | undefined {
  const seconds = Number(error.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.max(1, Math.ceil(seconds / 60)) : undefined;
}

/** A sentence for any failure; pages special-case the statuses they expect. */
export function describeError(error: unknown): string {
  if (error instanceof TimeoutError) return 'The server did not answer in time. Try again.';
  if (error instanceof NetworkError) return 'The server could not be reached. Check your connection and try again.';
  if (error instanceof ApiException) {
    if (error.status === 429) {
      const minutes = retryAfterMinutes(error);
      return minutes === undefined ? 'Too many attempts. Try again later.' : `Too many attempts. Try again in ${plural(minutes, 'minute')}.`;
    }
    if (error.status >= 500) return bodyField(error, 'error') ?? `The server failed (HTTP ${error.status}). Try again shortly.`;
    return bodyField(error, 'error') ?? `The server refused the request (HTTP ${error.status}).`;
  }
  return 'Something went wrong in this page. Reload it and try again.';
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
