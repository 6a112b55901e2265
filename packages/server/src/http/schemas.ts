import type { FastifySchema } from 'fastify';
/**
 * Response schemas of the routes. Fastify serialises with them (fast, and no
 * field can leak that is not listed) and /api/openapi.json is generated from
 * them, so the published contract is the one the code enforces.
 */
const dateTime = { type: 'string', format: 'date-time', description: 'UTC, whole seconds, literal Z: 2026-11-27T17:32:36Z' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' }, code: { type: 'string' } },
} as const;

export const apiTokenSchema = {
  $id: 'APIToken',
  type: 'object',
  required: ['id', 'created', 'expired', 'user_id'],
  properties: {
    id: { type: 'string', description: 'The whole token when just created; its first 8 characters when listed.' },
    created: dateTime,
    expired: { type: 'boolean' },
    user_id: { type: 'integer', minimum: 1 },
    name: { type: 'string', description: 'semauth extension (opt-in: ?extended=true or a name/expires_at body key).' },
    expires_at: { ...nullableDateTime, description: 'semauth extension.' },
    last_used_at: { ...nullableDateTime, description: 'semauth extension; minute resolution.' },
  },
} as const;

export const userSchema = {
  $id: 'User',
  type: 'object',
  required: ['id', 'created', 'username', 'name', 'email', 'admin', 'external', 'alert', 'can_create_project'],
  properties: {
    id: { type: 'integer', minimum: 1 },
    created: dateTime,
    username: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
    admin: { type: 'boolean' },
    external: { type: 'boolean' },
    alert: { type: 'boolean' },
    can_create_project: { type: 'boolean' },
  },
} as const;

export const loginMetadataSchema = {
  $id: 'LoginMetadata',
  type: 'object',
  required: ['oidc_providers', 'login_with_password'],
  properties: {
    oidc_providers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name'],
        properties: { id: { type: 'string' }, name: { type: 'string' }, color: { type: 'string' }, icon: { type: 'string' } },
      },
    },
    login_with_password: { type: 'boolean' },
  },
} as const;

/** Request bodies: documented here, validated by hand in the routes for precise 400 messages. */
export const loginBodySchema = {
  $id: 'Login',
  type: 'object',
  required: ['auth', 'password'],
  properties: {
    auth: { type: 'string', description: 'Username or e-mail, case-insensitive.' },
    password: { type: 'string', format: 'password' },
  },
} as const;

export const tokenOptionsSchema = {
  $id: 'TokenOptions',
  type: 'object',
  properties: {
    name: { type: ['string', 'null'], maxLength: 255 },
    expires_at: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'RFC 3339 with an offset, in the future. Impossible dates (30 February, hour 24) and leap seconds (:60) are refused with 400.',
    },
  },
} as const;

export const sharedSchemas = [errorSchema, apiTokenSchema, userSchema, loginMetadataSchema, loginBodySchema, tokenOptionsSchema];
export const ref = (id: string) => ({ $ref: `${id}#` });

/**
 * Route schema with documentation keys (`summary`, `tags`, `security`,
 * `x-body`, `x-errors`: status → meaning) that Fastify ignores and the
 * OpenAPI generator reads.
 */
export const routeSchema = (s: Record<string, unknown>): FastifySchema => s as FastifySchema;
