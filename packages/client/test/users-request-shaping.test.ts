/*
 * UserApi's users administration and session operations, against a fake
 * fetch: methods, paths (ids encoded), bodies (only the keys set, in wire
 * names), credentials — and what is refused before any request.
 */
import { describe, expect, it } from 'vitest';
import { Configuration, UserApi, type User } from '../src/index.js';
import { empty, fakeFetch, json } from './support/fake-fetch.js';

const BASE = 'https://sem.example/api';
const USER: User = {
  id: 2,
  created: '2026-11-27T17:32:36Z',
  username: 'test-user',
  name: 'Integration Test User',
  email: 'test@ansiblesemaphore.test',
  admin: false,
  external: false,
  alert: true,
  can_create_project: false,
  disabled: false,
};

function setup(...responders: Parameters<typeof fakeFetch>) {
  const fake = fakeFetch(...responders);
  const configuration = new Configuration({ basePath: BASE, fetch: fake.fetch, apiKey: { bearer: 'tok' } });
  return { fake, configuration, users: new UserApi(configuration) };
}

describe('users administration', () => {
  it('usersGet GETs /users with credentials and returns the list as sent', async () => {
    const summaries = [{ id: 1, username: 'admin', name: 'Administrator' }];
    const { fake, users } = setup(json(200, summaries));
    await expect(users.usersGet()).resolves.toEqual(summaries);
    const call = fake.only();
    expect([call.method, call.url]).toEqual(['GET', `${BASE}/users`]);
    expect(call.headers.get('authorization')).toBe('Bearer tok');
    expect(call.body).toBeUndefined();
  });

  it('usersPost POSTs only the UserRequest keys that are set, and returns the created user', async () => {
    const { fake, users } = setup(json(201, USER));
    const request = { username: 'test-user', name: 'Integration Test User', email: 'test@ansiblesemaphore.test', alert: true, admin: undefined, password: 'pw-123456789', extra: 'x' };
    await expect(users.usersPost(request)).resolves.toEqual(USER);
    const call = fake.only();
    expect([call.method, call.url]).toEqual(['POST', `${BASE}/users`]);
    expect(call.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(call.body!)).toEqual({ username: 'test-user', name: 'Integration Test User', email: 'test@ansiblesemaphore.test', alert: true, password: 'pw-123456789' });
  });

  it('usersUserIdGet, usersUserIdDelete: /users/{id}, no body', async () => {
    const { fake, users } = setup(json(200, USER), empty(204));
    await expect(users.usersUserIdGet(2)).resolves.toEqual(USER);
    await users.usersUserIdDelete(2);
    expect(fake.calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['GET', `${BASE}/users/2`, undefined],
      ['DELETE', `${BASE}/users/2`, undefined],
    ]);
  });

  it('usersUserIdPut PUTs only the fields set: a partial update ({} changes nothing)', async () => {
    const { fake, users } = setup(empty(204));
    await users.usersUserIdPut(7, { name: 'New', admin: false, disabled: undefined, password: undefined });
    await users.usersUserIdPut(7, {});
    expect(fake.calls.map((c) => [c.method, c.url])).toEqual([
      ['PUT', `${BASE}/users/7`],
      ['PUT', `${BASE}/users/7`],
    ]);
    expect(JSON.parse(fake.calls[0]!.body!)).toEqual({ name: 'New', admin: false });
    expect(fake.calls[1]!.body).toBe('{}');
  });

  it('usersUserIdPasswordPost POSTs {password, current_password}', async () => {
    const { fake, users } = setup(empty(204));
    await users.usersUserIdPasswordPost(3, { password: 'new-password-1' });
    await users.usersUserIdPasswordPost(3, { password: 'new-password-1', current_password: 'old-password-1' });
    expect(fake.calls.map((c) => [c.method, c.url, JSON.parse(c.body!)])).toEqual([
      ['POST', `${BASE}/users/3/password`, { password: 'new-password-1' }],
      ['POST', `${BASE}/users/3/password`, { password: 'new-password-1', current_password: 'old-password-1' }],
    ]);
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 53, '2' as unknown as number])('refuses the user id %s before sending anything', async (id) => {
    const { fake, users } = setup(json(200, USER));
    await expect(users.usersUserIdGet(id)).rejects.toThrow(TypeError);
    await expect(users.usersUserIdDelete(id)).rejects.toThrow(TypeError);
    expect(fake.calls).toHaveLength(0);
  });
});

describe('sessions', () => {
  it('userSessionsGet, userSessionsDelete: /user/sessions', async () => {
    const { fake, users } = setup(json(200, []), empty(204));
    await expect(users.userSessionsGet()).resolves.toEqual([]);
    await users.userSessionsDelete();
    expect(fake.calls.map((c) => [c.method, c.url, c.body])).toEqual([
      ['GET', `${BASE}/user/sessions`, undefined],
      ['DELETE', `${BASE}/user/sessions`, undefined],
    ]);
  });

  it('userSessionsSessionIdDelete percent-encodes the id and refuses an empty one (it would end every other session)', async () => {
    const { fake, users } = setup(empty(204));
    await users.userSessionsSessionIdDelete('a/b=c');
    expect(fake.only().url).toBe(`${BASE}/user/sessions/a%2Fb%3Dc`);
    await expect(users.userSessionsSessionIdDelete('')).rejects.toThrow(TypeError);
    expect(fake.calls).toHaveLength(1);
  });

  it('forgets the stored cookie when it ended that very session, and only then', async () => {
    const fake = fakeFetch(empty(204));
    const configuration = new Configuration({ basePath: BASE, fetch: fake.fetch, apiKey: { cookie: 'semaphore=AbCdEfGhIjKlMnOp.secret' } });
    const users = new UserApi(configuration);
    await users.userSessionsSessionIdDelete('SomeOtherSession');
    expect(configuration.apiKey.cookie).toBe('AbCdEfGhIjKlMnOp.secret');
    await users.userSessionsSessionIdDelete('AbCdEfGhIjKlMnOp');
    expect(configuration.apiKey.cookie).toBeUndefined();
  });
});
