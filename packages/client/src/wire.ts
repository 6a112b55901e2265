import type { CreateTokenOptions, UserPutRequest, UserRequest, UsersUserIdPasswordPostRequest } from './models.js';

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

/** The wire keys of each users body, as the server documents them (a test compares). */
export const USER_REQUEST_KEYS = ['username', 'name', 'email', 'password', 'admin', 'alert', 'external'] as const satisfies readonly (keyof UserRequest)[];
export const USER_PUT_KEYS = ['username', 'name', 'email', 'alert', 'admin', 'disabled', 'password', 'current_password'] as const satisfies readonly (keyof UserPutRequest)[];
export const PASSWORD_KEYS = ['password', 'current_password'] as const satisfies readonly (keyof UsersUserIdPasswordPostRequest)[];

/**
 * A model as a JSON body: the keys the caller set, in the model's wire
 * names, and only those listed (a stray property of a wider object is not
 * sent). `undefined` means "not given", so a PUT leaves that field alone.
 */
export function pickBody<T extends object>(model: T, keys: readonly (keyof T & string)[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key of keys) if (model[key] !== undefined) body[key] = model[key];
  return body;
}

/** A numeric id as a path segment: a positive whole number, or a TypeError before any request. */
export function idSegment(id: number, name: string): string {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw new TypeError(`${name} must be a positive integer`);
  }
  return String(id);
}

/** A user id as a path segment: a positive whole number, or a TypeError before any request. */
export function userIdSegment(userId: number): string {
  return idSegment(userId, 'userId');
}
