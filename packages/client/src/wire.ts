import type { CreateTokenOptions } from './models.js';

/**
 * Formats a date-time the way the API documents them: UTC, whole seconds,
 * literal `Z`. Rounded up so that "one second from now" does not become
 * "now" and fail the server's must-be-in-the-future check.
 */
export function toWireDateTime(value: Date | string): string {
  if (typeof value === 'string') return value;
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw new RangeError('expiresAt is an invalid Date');
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Body of `POST /user/tokens`: only the keys the caller set, because the
 * presence of `name`/`expires_at` is itself meaningful to semauth.
 */
export function createTokenBody(options: CreateTokenOptions | undefined): Record<string, string> {
  const body: Record<string, string> = {};
  if (options?.name !== undefined) body['name'] = options.name;
  if (options?.expiresAt !== undefined) body['expires_at'] = toWireDateTime(options.expiresAt);
  return body;
}
