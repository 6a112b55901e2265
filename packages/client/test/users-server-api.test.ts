/*
 * UserApi's users administration and sessions against a real semauth
 * process: success and error paths as the SDK's return values and
 * ApiException show them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationApi, Configuration, UserApi, type User } from '../src/index.js';
import { expectApiError } from './support/expect-api-error.js';
import { adminSession, configurationFor, startServer, type ServerProcess } from './support/server.js';

let server: ServerProcess;
let admin: UserApi;
beforeAll(async () => {
  server = await startServer();
  admin = new UserApi(await adminSession(server));
});
afterAll(async () => {
  await server?.stop();
});

let seq = 0;
/** A new plain user through the SDK, and a configuration signed in as them. */
async function newUser(): Promise<{ user: User; password: string; session: Configuration }> {
  const name = `sdk-user-${++seq}`;
  const password = `${name}-password`;
  const user = await admin.usersPost({ username: name, name: `Name ${seq}`, email: `${name}@example.org`, password });
  const session = configurationFor(server);
  await new AuthenticationApi(session).authLoginPost({ auth: name, password });
  return { user, password, session };
}

describe('users administration', () => {
  it('usersPost creates a user (201), usersUserIdGet and usersGet show it to an administrator', async () => {
    const created = await admin.usersPost({ username: 'sdk-made', name: 'Made by the SDK', email: 'sdk-made@example.org', password: 'sdk-made-password', alert: true });
    expect(created).toMatchObject({ username: 'sdk-made', name: 'Made by the SDK', alert: true, admin: false, disabled: false });
    await expect(admin.usersUserIdGet(created.id)).resolves.toEqual(created);
    expect(await admin.usersGet()).toContainEqual(created);
  });

  it('shows a plain user {id, username, name} of the others, and their own profile whole', async () => {
    const { user, session } = await newUser();
    const mine = new UserApi(session);
    const list = await mine.usersGet();
    expect(list.every((u) => !('email' in u))).toBe(true);
    expect(list).toContainEqual({ id: user.id, username: user.username, name: user.name });
    await expect(mine.usersUserIdGet(user.id)).resolves.toEqual(await mine.userGet());
    const refused = await expectApiError(mine.usersUserIdGet(1), 403);
    expect(refused.operation).toBe('usersUserIdGet');
  });

  it('usersUserIdPut changes only the fields given; nobody changes their own admin flag', async () => {
    const { user, session } = await newUser();
    const mine = new UserApi(session);
    const before = await mine.userGet();
    await mine.usersUserIdPut(user.id, { name: 'Renamed' });
    await expect(mine.userGet()).resolves.toEqual({ ...before, name: 'Renamed' });
    await expectApiError(mine.usersUserIdPut(user.id, { admin: true }), 403);
    await admin.usersUserIdPut(user.id, { admin: true });
    await expect(mine.userGet()).resolves.toMatchObject({ admin: true });
  });

  it('usersUserIdPasswordPost: your own needs current_password (400 without, 400 wrong); then the new one signs in', async () => {
    const { user, password, session } = await newUser();
    const mine = new UserApi(session);
    await expectApiError(mine.usersUserIdPasswordPost(user.id, { password: 'brand-new-password' }), 400);
    await expectApiError(mine.usersUserIdPasswordPost(user.id, { password: 'brand-new-password', current_password: 'wrong-password' }), 400);
    await mine.usersUserIdPasswordPost(user.id, { password: 'brand-new-password', current_password: password });
    await expect(mine.userGet()).resolves.toMatchObject({ id: user.id });
    await new AuthenticationApi(configurationFor(server)).authLoginPost({ auth: user.username, password: 'brand-new-password' });
  });

  it('an administrator sets a password without the current one, ending the user’s sessions', async () => {
    const { user, session } = await newUser();
    await admin.usersUserIdPasswordPost(user.id, { password: 'set-by-an-admin' });
    await expectApiError(new UserApi(session).userGet(), 401);
  });

  it('usersUserIdDelete deletes (204), then 404; a taken username is 409; a bad field 400', async () => {
    const { user, session } = await newUser();
    await expectApiError(admin.usersPost({ username: user.username.toUpperCase(), name: 'Clash', email: 'clash@example.org' }), 409);
    await expectApiError(admin.usersPost({ username: 'short-pw', name: 'Short', email: 'short@example.org', password: 'short' }), 400);
    await admin.usersUserIdDelete(user.id);
    await expectApiError(admin.usersUserIdGet(user.id), 404);
    await expectApiError(new UserApi(session).userGet(), 401);
  });
});

describe('sessions', () => {
  it('userSessionsGet lists the live sessions, the current one marked; userSessionsSessionIdDelete ends one', async () => {
    const { user, password, session } = await newUser();
    const other = configurationFor(server);
    await new AuthenticationApi(other).authLoginPost({ auth: user.username, password });
    const mine = new UserApi(session);
    const list = await mine.userSessionsGet();
    expect(list).toHaveLength(2);
    const current = list.find((s) => s.current)!;
    expect(session.apiKey.cookie!.startsWith(`${current.id}.`)).toBe(true);
    const theirs = list.find((s) => !s.current)!;
    await mine.userSessionsSessionIdDelete(theirs.id);
    await expectApiError(new UserApi(other).userGet(), 401);
    await expectApiError(mine.userSessionsSessionIdDelete(theirs.id), 404);
  });

  it('userSessionsDelete ends every other session; ending the current one forgets the stored cookie', async () => {
    const { user, password, session } = await newUser();
    const other = configurationFor(server);
    await new AuthenticationApi(other).authLoginPost({ auth: user.username, password });
    const mine = new UserApi(session);
    await mine.userSessionsDelete();
    await expectApiError(new UserApi(other).userGet(), 401);
    const [current] = await mine.userSessionsGet();
    const cookie = session.apiKey.cookie!;
    await mine.userSessionsSessionIdDelete(current!.id);
    expect(session.apiKey.cookie).toBeUndefined();
    await expectApiError(new UserApi(configurationFor(server, { cookie })).userGet(), 401);
  });
});

describe('authentication failures', () => {
  const operations: Array<[string, (users: UserApi) => Promise<unknown>]> = [
    ['usersGet', (u) => u.usersGet()],
    ['usersPost', (u) => u.usersPost({ username: 'x', name: 'x', email: 'x@example.org' })],
    ['usersUserIdGet', (u) => u.usersUserIdGet(1)],
    ['usersUserIdPut', (u) => u.usersUserIdPut(1, { name: 'x' })],
    ['usersUserIdDelete', (u) => u.usersUserIdDelete(1)],
    ['usersUserIdPasswordPost', (u) => u.usersUserIdPasswordPost(1, { password: 'x'.repeat(12) })],
    ['userSessionsGet', (u) => u.userSessionsGet()],
    ['userSessionsDelete', (u) => u.userSessionsDelete()],
    ['userSessionsSessionIdDelete', (u) => u.userSessionsSessionIdDelete('AAAAAAAAAAAAAAAA')],
  ];

  it.each(operations)('%s answers 401 without credentials', async (_, call) => {
    await expectApiError(call(new UserApi(configurationFor(server))), 401);
  });
});
