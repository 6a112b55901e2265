/*
 * The SDK against the server's own contract, GET /api/openapi.json (which
 * the server generates from the schemas it enforces). Endpoints come from
 * the SDK's OPERATIONS table; models from support/model-schemas.ts, which
 * types/model-schemas.ts ties to the exported TypeScript types. So a change
 * on either side — a renamed field, a new required key, a moved path, a
 * status that is no longer 204 — fails here.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, type OperationName } from '../src/operations.js';
import { createTokenBody, PASSWORD_KEYS, USER_PUT_KEYS, USER_REQUEST_KEYS } from '../src/wire.js';
import { BODY_SCHEMAS, MODEL_SCHEMAS, TOKEN_OPTIONS_KEYS, type Kind } from './support/model-schemas.js';
import { startServer, type ServerProcess } from './support/server.js';

interface JsonSchema {
  $ref?: string;
  anyOf?: JsonSchema[];
  type?: string | string[];
  items?: JsonSchema;
  required?: string[];
  properties?: Record<string, JsonSchema>;
}
interface OpenApiOperation {
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; schema?: { enum?: string[] } }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** What each JSON operation resolves to, in MODEL_SCHEMAS terms (types/public-surface.ts pins the same). */
const RESPONSE_MODELS: Partial<Record<OperationName, string>> = {
  userTokensGet: 'APIToken[]',
  userTokensPost: 'APIToken',
  authLoginGet: 'LoginMetadata',
  userGet: 'User',
  usersGet: '(User|UserSummary)[]',
  usersPost: 'User',
  usersUserIdGet: 'User',
  userSessionsGet: 'Session[]',
  usersUserId2fasTotpPost: 'TotpEnrolment',
  usersUserId2fasTotpTotpIdConfirmPost: 'TotpRecoveryCodes',
};
/** Which operations send a body, and of which component schema. */
const BODY_MODELS: Partial<Record<OperationName, string>> = {
  authLoginPost: 'Login',
  userTokensPost: 'TokenOptions',
  usersPost: 'UserRequest',
  usersUserIdPut: 'UserPutRequest',
  usersUserIdPasswordPost: 'UsersUserIdPasswordPostRequest',
  authVerifyPost: 'TotpPasscode',
  authRecoveryPost: 'TotpRecoveryCode',
  usersUserId2fasTotpTotpIdConfirmPost: 'TotpPasscode',
};

let server: ServerProcess;
let doc: OpenApiDocument;
beforeAll(async () => {
  // With TOTP on: its routes are served (and documented) only then.
  server = await startServer({ SEMAPHORE_TOTP_ENABLED: 'true', SEMAUTH_SECRET_KEY: randomBytes(32).toString('base64') });
  const response = await fetch(`${server.url}/api/openapi.json`);
  expect(response.status).toBe(200);
  doc = (await response.json()) as OpenApiDocument;
});
afterAll(async () => {
  await server?.stop();
});

function resolve(schema: JsonSchema): JsonSchema {
  const name = schema.$ref?.replace('#/components/schemas/', '');
  return name === undefined ? schema : resolve(doc.components.schemas[name] ?? {});
}

/** Name of a `$ref`'d component, `X[]` for an array of one, `(X|Y)` for either, or an inline kind. */
function shapeName(schema: JsonSchema): string {
  if (schema.$ref !== undefined) return schema.$ref.replace('#/components/schemas/', '');
  if (schema.anyOf !== undefined) return `(${schema.anyOf.map(shapeName).join('|')})`;
  if (schema.type === 'array' && schema.items !== undefined) return `${shapeName(schema.items)}[]`;
  return JSON.stringify(schema);
}

/** The MODEL_SCHEMAS kind of a property schema from the document: a nested object by the model it matches. */
function kindOf(schema: JsonSchema): string {
  const s = resolve(schema);
  const types = [s.type ?? []].flat().sort();
  if (types.length === 2 && types[0] === 'null') return `${types[1]}|null`;
  const modelOf = (x: JsonSchema) => Object.entries(MODEL_SCHEMAS).find(([, model]) => sameModel(x, model))?.[0];
  if (s.type === 'array' && s.items !== undefined) {
    const items = resolve(s.items);
    if (items.type !== 'object' && typeof items.type === 'string') return `${items.type}[]`;
    return `${modelOf(s.items) ?? 'unknown'}[]`;
  }
  if (s.type === 'object') return modelOf(s) ?? 'object';
  return String(s.type);
}

function describeModel(schema: JsonSchema): { required: string[]; properties: Record<string, string> } {
  const s = resolve(schema);
  const properties = Object.fromEntries(Object.entries(s.properties ?? {}).map(([key, value]) => [key, kindOf(value)]));
  return { required: [...(s.required ?? [])].sort(), properties };
}

function sameModel(schema: JsonSchema, model: { required: readonly string[]; properties: Readonly<Record<string, Kind>> }): boolean {
  const actual = describeModel(schema);
  const sorted = (record: Record<string, string>) => JSON.stringify(Object.entries(record).sort());
  return (
    JSON.stringify(actual.required) === JSON.stringify([...model.required].sort()) &&
    sorted(actual.properties) === sorted({ ...model.properties })
  );
}

describe('models match the server’s component schemas', () => {
  it.each([
    'Login', 'APIToken', 'User', 'UserSummary', 'Session', 'LoginMetadata', 'UserRequest', 'UserPutRequest', 'UsersUserIdPasswordPostRequest',
    'UserTotp', 'AuthMethods', 'TotpEnrolment', 'TotpRecoveryCodes', 'TotpPasscode', 'TotpRecoveryCode',
  ] as const)('%s', (name) => {
    const schema = doc.components.schemas[name];
    expect(schema, `no component schema ${name}`).toBeDefined();
    const actual = describeModel(schema!);
    const model = name in MODEL_SCHEMAS ? MODEL_SCHEMAS[name as keyof typeof MODEL_SCHEMAS] : BODY_SCHEMAS[name as keyof typeof BODY_SCHEMAS];
    expect(actual.properties).toEqual({ ...model.properties });
    expect(actual.required).toEqual([...model.required].sort());
  });

  it.each([
    ['UserRequest', USER_REQUEST_KEYS],
    ['UserPutRequest', USER_PUT_KEYS],
    ['UsersUserIdPasswordPostRequest', PASSWORD_KEYS],
  ] as const)('the SDK sends the %s keys the server documents, and no others', (name, keys) => {
    expect([...keys].sort()).toEqual(Object.keys(resolve({ $ref: `#/components/schemas/${name}` }).properties ?? {}).sort());
  });

  it('the token options body uses the server’s keys', () => {
    const keys = Object.keys(resolve({ $ref: '#/components/schemas/TokenOptions' }).properties ?? {}).sort();
    expect(keys).toEqual([...TOKEN_OPTIONS_KEYS]);
    expect(Object.keys(createTokenBody({ name: 'n', expiresAt: new Date(Date.now() + 60_000) })).sort()).toEqual(keys);
  });
});

describe('every SDK operation is a server operation', () => {
  const rows = Object.entries(OPERATIONS) as Array<[OperationName, (typeof OPERATIONS)[OperationName]]>;

  it.each(rows)('%s', (name, spec) => {
    const operation = doc.paths[spec.path]?.[spec.method.toLowerCase()];
    expect(operation, `${spec.method} ${spec.path} is not in /api/openapi.json`).toBeDefined();
    const op = operation!;

    const successes = Object.keys(op.responses).filter((status) => /^2\d\d$/.test(status));
    if (spec.expect === 'nothing') {
      expect(successes).toEqual(['204']);
    } else {
      expect(successes).toHaveLength(1);
      const content = op.responses[successes[0]!]!.content ?? {};
      const mediaType = { json: 'application/json', text: 'text/plain; charset=utf-8', png: 'image/png' }[spec.expect];
      expect(Object.keys(content)).toEqual([mediaType]);
      if (spec.expect === 'json') expect(shapeName(content[mediaType]!.schema)).toBe(RESPONSE_MODELS[name]);
    }

    // Public in the contract ⇔ the SDK sends no credentials.
    expect(op.security !== undefined && op.security.length === 0).toBe(!spec.authenticated);

    const declared = (where: string) => (op.parameters ?? []).filter((p) => p.in === where);
    const pathParams = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    expect(declared('path').map((p) => p.name)).toEqual(pathParams);
    for (const [key, value] of Object.entries('query' in spec ? spec.query : {})) {
      const parameter = declared('query').find((p) => p.name === key);
      expect(parameter, `query parameter ${key}`).toBeDefined();
      if (parameter!.schema?.enum) expect(parameter!.schema.enum).toContain(value);
    }

    const body = op.requestBody?.content['application/json']?.schema;
    expect(body === undefined ? undefined : shapeName(body)).toBe(BODY_MODELS[name]);
  });

  it('and the SDK covers every operation the server documents', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const covered = Object.values(OPERATIONS).map((spec) => `${spec.method} ${spec.path}`);
    expect(documented.sort()).toEqual(covered.sort());
  });
});
