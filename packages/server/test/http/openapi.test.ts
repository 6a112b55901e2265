/** GET /api/openapi.json is generated from the route schemas: every route, every shared schema. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { http } from '../support/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

it('documents every operation with its response schema', async () => {
  const r = await http('GET', `${t.api}/openapi.json`);
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toBe('application/json');
  const doc = r.json();
  expect(doc.openapi).toBe('3.1.0');
  const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, o]) => Object.keys(o).map((m) => `${m.toUpperCase()} ${p}`));
  expect(ops.sort()).toEqual(
    [
      'DELETE /user/tokens/{api_token_id}',
      'GET /auth/login',
      'GET /ping',
      'GET /user',
      'GET /user/tokens',
      'POST /auth/login',
      'POST /auth/logout',
      'POST /user/tokens',
      'GET /user/sessions',
      'DELETE /user/sessions',
      'DELETE /user/sessions/{session_id}',
      'GET /users',
      'POST /users',
      'GET /users/{user_id}',
      'PUT /users/{user_id}',
      'DELETE /users/{user_id}',
      'POST /users/{user_id}/password',
    ].sort(),
  );
  expect(doc.paths['/user/tokens'].get.responses['200'].content['application/json'].schema).toEqual({ type: 'array', items: { $ref: '#/components/schemas/APIToken' } });
  expect(doc.paths['/user/tokens'].post.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/APIToken' });
  expect(Object.keys(doc.components.schemas).sort()).toEqual(
    [
      'APIToken', 'AuthMethods', 'Error', 'Login', 'LoginMetadata', 'Session', 'TokenOptions', 'TotpEnrolment', 'TotpPasscode', 'TotpRecoveryCode',
      'TotpRecoveryCodes', 'User', 'UserPutRequest', 'UserRequest', 'UserSummary', 'UserTotp', 'UsersUserIdPasswordPostRequest',
    ].sort(),
  );
  expect(doc.components.schemas.APIToken.required).toEqual(['id', 'created', 'expired', 'user_id']);
  // Every $ref resolves.
  const refs = [...r.text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
  for (const ref of refs) expect(doc.components.schemas[ref!], ref).toBeDefined();
});

it('documents which token ids are malformed (400) and which are merely unknown (404)', async () => {
  const doc = (await http('GET', `${t.api}/openapi.json`)).json();
  const del = doc.paths['/user/tokens/{api_token_id}'].delete;
  expect(Object.keys(del.responses).sort()).toEqual(['204', '400', '404', '409', 'default']);
  expect(del.responses['400'].description).toContain('longer than 256 characters');
  expect(del.responses['400'].description).toContain('[A-Za-z0-9._~=+/-]');
  expect(del.responses['404'].description).toContain('already gone');
  expect(del.responses['404'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
  expect(del.parameters.find((p: { in: string }) => p.in === 'path').schema.description).toContain('8-character id');
});

it('documents the users API: bodies, statuses, and user ids as integers that the handler checks (401 comes first)', async () => {
  const doc = (await http('GET', `${t.api}/openapi.json`)).json();
  const byId = doc.paths['/users/{user_id}'];
  expect(byId.get.parameters).toEqual([{ name: 'user_id', in: 'path', required: true, schema: { type: 'integer', minimum: 1, maximum: 2147483647, description: 'User ID' } }]);
  expect(Object.keys(byId.put.responses).sort()).toEqual(['204', '400', '403', '404', '409', '429', 'default']);
  expect(byId.put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/UserPutRequest' });
  expect(Object.keys(byId.delete.responses).sort()).toEqual(['204', '400', '403', '404', '409', 'default']);
  expect(doc.paths['/users'].post.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/User' });
  expect(doc.paths['/users'].get.responses['200'].content['application/json'].schema).toEqual({
    type: 'array',
    items: { anyOf: [{ $ref: '#/components/schemas/User' }, { $ref: '#/components/schemas/UserSummary' }] },
  });
  expect(doc.paths['/users/{user_id}/password'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/UsersUserIdPasswordPostRequest' });
  expect(doc.paths['/user/sessions'].get.responses['200'].content['application/json'].schema).toEqual({ type: 'array', items: { $ref: '#/components/schemas/Session' } });
  expect(doc.components.schemas.Session.required).toEqual(['id', 'created', 'last_active', 'expires', 'address', 'user_agent', 'current']);
  expect(doc.components.schemas.User.required).not.toContain('disabled');
});
