/*
 * The SDK's models written down as data — property kinds and required keys
 * — so they can be compared with the server's OpenAPI document at run time.
 * types/model-schemas.ts proves at compile time that this data describes
 * exactly the exported TypeScript types; openapi-contract.test.ts proves
 * that it matches /api/openapi.json. Together: SDK types ≡ server contract.
 */

/** How a property's JSON value is typed. `X[]` is an array of model X. */
export type Kind = 'string' | 'integer' | 'boolean' | 'string|null' | 'string[]' | 'OidcProvider[]' | 'UserTotp' | 'AuthMethods' | 'TotpMethod';

export interface ModelSchema {
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, Kind>>;
}

export const MODEL_SCHEMAS = {
  Login: {
    required: ['auth', 'password'],
    properties: { auth: 'string', password: 'string' },
  },
  APIToken: {
    required: ['id', 'created', 'expired', 'user_id'],
    properties: {
      id: 'string',
      created: 'string',
      expired: 'boolean',
      user_id: 'integer',
      name: 'string',
      expires_at: 'string|null',
      last_used_at: 'string|null',
    },
  },
  User: {
    required: ['id', 'created', 'username', 'name', 'email', 'admin', 'external', 'alert', 'can_create_project'],
    properties: {
      id: 'integer',
      created: 'string',
      username: 'string',
      name: 'string',
      email: 'string',
      admin: 'boolean',
      external: 'boolean',
      alert: 'boolean',
      can_create_project: 'boolean',
      disabled: 'boolean',
      totp: 'UserTotp',
    },
  },
  UserTotp: {
    required: ['id'],
    properties: { id: 'integer' },
  },
  UserSummary: {
    required: ['id', 'username', 'name'],
    properties: { id: 'integer', username: 'string', name: 'string' },
  },
  Session: {
    required: ['id', 'created', 'last_active', 'expires', 'address', 'user_agent', 'current'],
    properties: {
      id: 'string',
      created: 'string',
      last_active: 'string',
      expires: 'string',
      address: 'string|null',
      user_agent: 'string|null',
      current: 'boolean',
    },
  },
  OidcProvider: {
    required: ['id', 'name'],
    properties: { id: 'string', name: 'string', color: 'string', icon: 'string' },
  },
  LoginMetadata: {
    required: ['oidc_providers', 'login_with_password'],
    properties: { oidc_providers: 'OidcProvider[]', login_with_password: 'boolean', auth_methods: 'AuthMethods' },
  },
  AuthMethods: {
    required: ['totp'],
    properties: { totp: 'TotpMethod' },
  },
  TotpMethod: {
    required: ['enabled', 'allow_recovery'],
    properties: { enabled: 'boolean', allow_recovery: 'boolean' },
  },
  TotpEnrolment: {
    required: ['id', 'url'],
    properties: { id: 'integer', url: 'string' },
  },
  TotpRecoveryCodes: {
    required: ['recovery_codes'],
    properties: { recovery_codes: 'string[]' },
  },
} as const satisfies Record<string, ModelSchema>;

/**
 * Request bodies the SDK types as models. Their optional keys are typed
 * `?: T | undefined`, so that a caller may pass `undefined` for "not given"
 * (the SDK then leaves the key out).
 */
export const BODY_SCHEMAS = {
  UserRequest: {
    required: ['username', 'name', 'email'],
    properties: { username: 'string', name: 'string', email: 'string', password: 'string', admin: 'boolean', alert: 'boolean', external: 'boolean' },
  },
  UserPutRequest: {
    required: [],
    properties: {
      username: 'string',
      name: 'string',
      email: 'string',
      alert: 'boolean',
      admin: 'boolean',
      disabled: 'boolean',
      password: 'string',
      current_password: 'string',
    },
  },
  UsersUserIdPasswordPostRequest: {
    required: ['password'],
    properties: { password: 'string', current_password: 'string' },
  },
  TotpPasscode: {
    required: ['passcode'],
    properties: { passcode: 'string' },
  },
  TotpRecoveryCode: {
    required: ['recovery_code'],
    properties: { recovery_code: 'string' },
  },
} as const satisfies Record<string, ModelSchema>;

/** The wire keys of `POST /user/tokens`'s body, as `createTokenBody` writes them. */
export const TOKEN_OPTIONS_KEYS = ['expires_at', 'name'] as const;
