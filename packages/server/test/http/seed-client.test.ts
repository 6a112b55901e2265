/**
 * Requests shaped exactly as the seed's generated Python client sends them
 * (seed/AuthenticationApi.md + SPEC §3): `Authorization` with no scheme,
 * `Cookie: semaphore=…` as pasted, JSON content type with empty bodies,
 * percent-encoded path ids. The whole documented walk-through, in order.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
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
