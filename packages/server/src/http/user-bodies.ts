/**
 * Reading the users API's path ids and bodies into service input, with a
 * precise 400 for each mistake. Keys a body does not use are ignored:
 * Semaphore's clients send whole user objects back (`id`, `created`, `pro`,
 * `can_create_project`, …). `null` counts as absent for optional fields, as
 * Go's JSON decoding leaves a zero value where Semaphore reads one.
 */
import { AppError } from '../errors.js';
import type { NewUserInput } from '../services/users.js';
import type { UserUpdate } from '../services/user-admin.js';

/** PostgreSQL's `integer`, the type of users.id: a larger id could never name a user, and would fail the query. */
const MAX_USER_ID = 2_147_483_647;

/** A `{user_id}` path segment: decimal digits (leading zeros allowed, as Semaphore's Atoi does), 1 to 2147483647. */
export function parseUserId(raw: string): number {
  if (!/^\d{1,10}$/.test(raw)) throw new AppError('INVALID_USER_ID');
  const id = Number(raw);
  if (id < 1 || id > MAX_USER_ID) throw new AppError('INVALID_USER_ID');
  return id;
}

type Fields = Record<string, unknown>;

function object(body: unknown, what: string): Fields {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('INVALID_BODY', `The request body must be a JSON object: ${what}.`);
  }
  return body as Fields;
}

function invalid(message: string): AppError {
  return new AppError('INVALID_USER', message);
}

function optionalString(b: Fields, key: string): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`"${key}" must be a string.`);
  return v;
}

function requiredString(b: Fields, key: string): string {
  const v = optionalString(b, key);
  if (v === undefined) throw invalid(`"${key}" is required (a string).`);
  return v;
}

function optionalBoolean(b: Fields, key: string): boolean | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid(`"${key}" must be true or false.`);
  return v;
}

/** Only the keys that are set: absent means "not given" all the way down. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** POST /users: `{username, name, email, password?, admin?, alert?, external?}`. */
export function parseNewUser(body: unknown): NewUserInput {
  const b = object(body, '{"username", "name", "email", "password", "admin", "alert", "external"}');
  // The service says which rules the values break (identity.ts); here only presence and types.
  return defined({
    login: requiredString(b, 'username'),
    name: requiredString(b, 'name'),
    email: requiredString(b, 'email'),
    password: optionalString(b, 'password'),
    admin: optionalBoolean(b, 'admin'),
    alert: optionalBoolean(b, 'alert'),
    external: optionalBoolean(b, 'external'),
  });
}

/**
 * PUT /users/{id}: the fields present, validated; absent ones stay as they
 * are (Semaphore would set them to Go's zero values). An empty `password`
 * changes nothing, as in Semaphore, whose web UI sends one when the field
 * was left blank.
 */
export function parseUserUpdate(body: unknown): { update: UserUpdate; currentPassword?: string } {
  const b = object(body, 'the fields to change, e.g. {"name": "New Name"}');
  const password = optionalString(b, 'password');
  const currentPassword = optionalString(b, 'current_password');
  const update = defined<UserUpdate>({
    login: optionalString(b, 'username'),
    name: optionalString(b, 'name'),
    email: optionalString(b, 'email'),
    admin: optionalBoolean(b, 'admin'),
    alert: optionalBoolean(b, 'alert'),
    disabled: optionalBoolean(b, 'disabled'),
    external: optionalBoolean(b, 'external'),
    password: password === '' ? undefined : password,
  });
  return currentPassword === undefined ? { update } : { update, currentPassword };
}

/** POST /users/{id}/password: `{password, current_password?}` (the seed's client sends `{"password": …}`). */
export function parsePasswordChange(body: unknown): { password: string; currentPassword?: string } {
  const b = object(body, '{"password": "…", "current_password": "…"}');
  const password = requiredString(b, 'password');
  const currentPassword = optionalString(b, 'current_password');
  return currentPassword === undefined ? { password } : { password, currentPassword };
}
