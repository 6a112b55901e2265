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
    disabled: { type: 'boolean', description: "semauth extension, in the users API's answers to administrators: refused sign-in, no sessions or tokens." },
    totp: { $ref: 'UserTotp#' },
  },
} as const;

/** Semaphore's `totp` of a user: present only while TOTP is on (not while an enrolment is pending). */
export const userTotpSchema = {
  $id: 'UserTotp',
  type: 'object',
  description: 'Present only when the user has TOTP on. semauth: the id alone — never the secret (Semaphore also sends its otpauth URL here).',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, description: 'The enrolment: DELETE /users/{user_id}/2fas/totp/{id} turns it off.' } },
} as const;

/** POST /users/{user_id}/2fas/totp. */
export const totpEnrolmentSchema = {
  $id: 'TotpEnrolment',
  type: 'object',
  required: ['id', 'url'],
  properties: {
    id: { type: 'integer', minimum: 1 },
    url: { type: 'string', description: 'otpauth://totp/… holding the secret: shown only in this answer (and as the QR code while pending).' },
  },
} as const;

/** POST /users/{user_id}/2fas/totp/{totp_id}/confirm. */
export const totpRecoveryCodesSchema = {
  $id: 'TotpRecoveryCodes',
  type: 'object',
  required: ['recovery_codes'],
  properties: {
    recovery_codes: { type: 'array', items: { type: 'string' }, description: 'Ten single-use codes, shown only now; [] when recovery codes are off.' },
  },
} as const;

export const totpPasscodeSchema = {
  $id: 'TotpPasscode',
  type: 'object',
  required: ['passcode'],
  properties: { passcode: { type: 'string', description: 'The 6-digit code the authenticator app shows.' } },
} as const;

export const totpRecoveryCodeSchema = {
  $id: 'TotpRecoveryCode',
  type: 'object',
  required: ['recovery_code'],
  properties: { recovery_code: { type: 'string', description: 'One of the recovery codes; case, spaces and dashes do not matter.' } },
} as const;

/** `auth_methods` of GET /auth/login (an extra key: old clients ignore it). */
export const authMethodsSchema = {
  $id: 'AuthMethods',
  type: 'object',
  required: ['totp'],
  properties: {
    totp: {
      type: 'object',
      required: ['enabled', 'allow_recovery'],
      properties: {
        enabled: { type: 'boolean', description: 'Users may turn on two-factor sign-in with TOTP.' },
        allow_recovery: { type: 'boolean', description: 'POST /auth/recovery accepts recovery codes.' },
      },
    },
  },
} as const;

/** What GET /users shows a user who is not an administrator about each user (Semaphore's minimal user). */
export const userSummarySchema = {
  $id: 'UserSummary',
  type: 'object',
  required: ['id', 'username', 'name'],
  properties: {
    id: { type: 'integer', minimum: 1 },
    username: { type: 'string' },
    name: { type: 'string' },
  },
} as const;

/** One of the caller's live sessions (GET /user/sessions). */
export const sessionSchema = {
  $id: 'Session',
  type: 'object',
  required: ['id', 'created', 'last_active', 'expires', 'address', 'user_agent', 'current'],
  properties: {
    id: { type: 'string', description: 'The public id of the session (never its secret): DELETE /user/sessions/{id} ends it.' },
    created: dateTime,
    last_active: { ...dateTime, description: 'Last use, to the minute.' },
    expires: { ...dateTime, description: 'When it ends unless used again: the idle limit or the absolute lifetime, whichever comes first.' },
    address: { type: ['string', 'null'], description: 'Client address at sign-in; null for sessions older than this field.' },
    user_agent: { type: ['string', 'null'], description: 'User-Agent at sign-in (at most 256 characters); null when none was sent.' },
    current: { type: 'boolean', description: 'The session this request came with.' },
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
    auth_methods: { $ref: 'AuthMethods#' },
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

const userFields = {
  username: { type: 'string', description: 'Unique with every login and e-mail, regardless of case and Unicode form; no spaces.' },
  name: { type: 'string' },
  email: { type: 'string', description: 'Unique like username.' },
  alert: { type: 'boolean' },
  admin: { type: 'boolean', description: 'Administrators only; nobody changes their own.' },
} as const;

export const userRequestSchema = {
  $id: 'UserRequest',
  type: 'object',
  required: ['username', 'name', 'email'],
  properties: {
    ...userFields,
    password: { type: 'string', format: 'password', description: 'At least 12 characters. Without one, a local user cannot sign in until it is set (POST /users/{user_id}/password); an external user has none.' },
    external: { type: 'boolean', description: 'Signs in through LDAP or OIDC: no password.' },
  },
} as const;

export const userPutRequestSchema = {
  $id: 'UserPutRequest',
  type: 'object',
  description: 'semauth: only the fields present change (Semaphore replaces every field).',
  properties: {
    ...userFields,
    disabled: { type: 'boolean', description: 'semauth extension, administrators only: ends every session and token of the user.' },
    password: { type: 'string', format: 'password', description: 'A new password ("" changes nothing); your own needs current_password.' },
    current_password: { type: 'string', format: 'password' },
  },
} as const;

export const passwordRequestSchema = {
  $id: 'UsersUserIdPasswordPostRequest',
  type: 'object',
  required: ['password'],
  properties: {
    password: { type: 'string', format: 'password', description: 'At least 12 characters.' },
    current_password: { type: 'string', format: 'password', description: 'semauth: required to change your own password.' },
  },
} as const;

export const sharedSchemas = [
  errorSchema,
  apiTokenSchema,
  userTotpSchema,
  userSchema,
  userSummarySchema,
  sessionSchema,
  loginMetadataSchema,
  loginBodySchema,
  tokenOptionsSchema,
  userRequestSchema,
  userPutRequestSchema,
  passwordRequestSchema,
  totpEnrolmentSchema,
  totpRecoveryCodesSchema,
  totpPasscodeSchema,
  totpRecoveryCodeSchema,
  authMethodsSchema,
];
export const ref = (id: string) => ({ $ref: `${id}#` });

/**
 * Route schema with documentation keys (`summary`, `tags`, `security`,
 * `x-body`, `x-errors`: status → meaning, `x-params`: path parameters the
 * handler validates) that Fastify ignores and the
 * OpenAPI generator reads.
 */
export const routeSchema = (s: Record<string, unknown>): FastifySchema => s as FastifySchema;
