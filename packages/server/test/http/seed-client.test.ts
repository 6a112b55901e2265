/**
 * Requests shaped exactly as the seed's generated Python client sends them
 * (seed/AuthenticationApi.md + SPEC §3): `Authorization` with no scheme,
 * `Cookie: semaphore=…` as pasted, JSON content type with empty bodies,
 * percent-encoded path ids. The whole documented walk-through, in order,
 * then the UserApi's users administration (seed/UserApi.md).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { http } from '../support/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.services.users.add({ login: 'devops', name: 'Dev Ops', email: 'devops@example.com', password: 'devops-password' }, { address: 't', userAgent: null });
});
afterAll(() => t.close());

/** What urllib3 sends for the generated client's calls. */
const CLIENT_HEADERS = { 'user-agent': 'OpenAPI-Generator/1.0.0/python', accept: 'application/json, text/plain; charset=utf-8' };
const quote = (s: string) => encodeURIComponent(s); // Python's quote(s, safe='') for these characters

it('logs in, manages tokens, authenticates both ways and logs out like the Python client', async () => {
  // auth_login_post(Login(auth=..., password=...))
  const login = await http('POST', `${t.api}/auth/login`, {
    headers: { ...CLIENT_HEADERS, 'content-type': 'application/json' },
    body: JSON.stringify({ auth: 'devops', password: 'devops-password' }),
  });
  expect(login.status).toBe(204);
  // The user pastes the cookie into configuration.api_key['cookie'].
  const cookieHeader = { cookie: login.headers['set-cookie']![0]!.split(';')[0]! };

  // user_tokens_post(): JSON content type, Content-Length: 0, no body.
  const created = await http('POST', `${t.api}/user/tokens`, {
    headers: { ...CLIENT_HEADERS, ...cookieHeader, 'content-type': 'application/json', 'content-length': '0' },
  });
  expect(created.status).toBe(201);
  const token = created.json();
  expect(Object.keys(token).sort()).toEqual(['created', 'expired', 'id', 'user_id']);

  // configuration.api_key['bearer'] = token, without the 'Bearer' prefix.
  const bearerHeader = { authorization: token.id };
  const listed = await http('GET', `${t.api}/user/tokens`, { headers: { ...CLIENT_HEADERS, ...bearerHeader } });
  expect(listed.status).toBe(200);
  expect(listed.json()).toEqual([{ id: token.id.slice(0, 8), created: token.created, expired: false, user_id: token.user_id }]);

  // user_tokens_api_token_id_delete(api_token_id): '=' arrives as %3D.
  const second = (await http('POST', `${t.api}/user/tokens`, { headers: { ...CLIENT_HEADERS, ...bearerHeader, 'content-type': 'application/json', 'content-length': '0' } })).json();
  expect(quote(second.id)).toContain('%3D');
  const deleted = await http('DELETE', `${t.api}/user/tokens/${quote(second.id)}`, { headers: { ...CLIENT_HEADERS, ...bearerHeader, 'content-type': 'application/json' } });
  expect(deleted.status).toBe(204);
  expect((await http('GET', `${t.api}/user`, { headers: { authorization: second.id } })).status).toBe(401);

  // auth_logout_post(): the cookie session ends, the bearer token does not.
  const logout = await http('POST', `${t.api}/auth/logout`, { headers: { ...CLIENT_HEADERS, ...cookieHeader, 'content-type': 'application/json', 'content-length': '0' } });
  expect(logout.status).toBe(204);
  expect((await http('GET', `${t.api}/user/tokens`, { headers: cookieHeader })).status).toBe(401);
  expect((await http('GET', `${t.api}/user/tokens`, { headers: bearerHeader })).status).toBe(200);
});

it("manages users through the seed's UserApi exactly as the Python client calls it", async () => {
  const login = await http('POST', `${t.api}/auth/login`, { headers: { ...CLIENT_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify({ auth: 'admin', password: ADMIN_PASSWORD }) });
  const cookie = login.headers['set-cookie']![0]!.split(';')[0]!;
  const token = (await http('POST', `${t.api}/user/tokens`, { headers: { ...CLIENT_HEADERS, cookie, 'content-type': 'application/json', 'content-length': '0' } })).json().id;
  // configuration.api_key['bearer'] = token: no scheme.
  const auth = { ...CLIENT_HEADERS, authorization: token };
  const json = { ...auth, 'content-type': 'application/json' };

  // users_post(UserRequest(name=…, username=…, email=…, alert=True, admin=True, password=…)): the password is one of the
  // model's "any string name" properties.
  const created = await http('POST', `${t.api}/users`, {
    headers: json,
    body: JSON.stringify({ name: 'Integration Test User', username: 'test-user', email: 'test@ansiblesemaphore.test', alert: true, admin: false, password: 'test-user-password' }),
  });
  expect(created.status).toBe(201);
  const user = created.json();
  // The model's fields, with the types the generated client checks.
  expect(user).toMatchObject({ id: expect.any(Number), name: 'Integration Test User', username: 'test-user', email: 'test@ansiblesemaphore.test', alert: true, admin: false });
  expect(user.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  // users_get()
  const all = await http('GET', `${t.api}/users`, { headers: auth });
  expect(all.status).toBe(200);
  expect(all.json().map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['admin', 'test-user']));

  // users_user_id_get(user_id): the path is /users/{user_id}/, with its slash.
  const got = await http('GET', `${t.api}/users/${user.id}/`, { headers: auth });
  expect(got.status).toBe(200);
  expect(got.json()).toEqual(user);

  // users_user_id_put(user_id, UserPutRequest(name=…, username=…, email=…, alert=True, admin=True))
  const put = await http('PUT', `${t.api}/users/${user.id}/`, {
    headers: json,
    body: JSON.stringify({ name: 'Integration Test User2', username: 'test-user2', email: 'test2@ansiblesemaphore.test', alert: true, admin: true }),
  });
  expect(put.status).toBe(204);
  expect(put.text).toBe('');
  expect((await http('GET', `${t.api}/users/${user.id}/`, { headers: auth })).json()).toMatchObject({ username: 'test-user2', email: 'test2@ansiblesemaphore.test', admin: true });

  // users_user_id_password_post(user_id, UsersUserIdPasswordPostRequest(password=…))
  const pw = await http('POST', `${t.api}/users/${user.id}/password`, { headers: json, body: JSON.stringify({ password: 'password_example' }) });
  expect(pw.status).toBe(204);
  expect((await http('POST', `${t.api}/auth/login`, { headers: { 'content-type': 'application/json' }, body: { auth: 'test-user2', password: 'password_example' } })).status).toBe(204);

  // users_user_id_delete(user_id): no content type, no body.
  const del = await http('DELETE', `${t.api}/users/${user.id}/`, { headers: auth });
  expect(del.status).toBe(204);
  expect((await http('GET', `${t.api}/users/${user.id}/`, { headers: auth })).status).toBe(404);
});
