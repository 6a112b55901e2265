/**
 * The CLI and a running `semauth server` on the same settings: what the CLI
 * writes, the server reads at once — users, passwords, tokens, deletions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, login } from '../support/http.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { fails, ok, TOKEN_SHAPE } from './run.js';

let server: ServerProcess;
let api: string;
/** Exactly the server's environment: the CLI must find the same database through it. */
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServerProcess();
  api = `${server.url}/api`;
  env = server.env;
});
afterAll(() => server?.stop());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const status = async (headers: Record<string, string>) => (await http('GET', `${api}/user`, { headers })).status;
const loginStatus = async (auth: string, password: string) =>
  (await http('POST', `${api}/auth/login`, { headers: { 'content-type': 'application/json' }, body: { auth, password } })).status;

describe('CLI and server share their settings', () => {
  it('a user added with the server environment can log in to the server', async () => {
    await ok(['user', 'add', '--login', 'ann', '--name', 'Ann', '--email', 'ann@example.com', '--password-stdin'], { env, stdin: 'ann-password-1' });
    const cookie = await login(api, 'ann', 'ann-password-1');
    const me = await http('GET', `${api}/user`, { headers: { cookie } });
    expect(me.json()).toMatchObject({ username: 'ann', name: 'Ann', email: 'ann@example.com', admin: false });
  });

  it('the bootstrap admin of the server is visible to the CLI', async () => {
    const admin = JSON.parse((await ok(['user', 'get', '--login', 'admin', '--json'], { env })).stdout);
    expect(admin).toMatchObject({ username: 'admin', admin: true });
  });
});

describe('semauth user token', () => {
  it('create prints only a Semaphore-shaped token that authenticates as bearer', async () => {
    await ok(['user', 'add', '--login', 'tom', '--name', 'Tom', '--email', 'tom@example.com', '--password', 'tom-password-1'], { env });
    const r = await ok(['user', 'token', 'create', '--login', 'tom', '--name', 'ci'], { env });
    const token = r.stdout.trimEnd();
    expect(r.stdout).toBe(`${token}\n`);
    expect(token).toHaveLength(44);
    expect(token).toMatch(TOKEN_SHAPE);
    expect(r.stderr).toBe('');
    const me = await http('GET', `${api}/user`, { headers: bearer(token) });
    expect(me.status).toBe(200);
    expect(me.json().username).toBe('tom');
    // The bare-token form too (SPEC §3).
    expect(await status({ authorization: token })).toBe(200);
  });

  it('--ttl sets the expiry, and list shows ids, names and expiries', async () => {
    const before = Date.now();
    const token = (await ok(['user', 'token', 'create', '--login', 'tom', '--name', 'nightly', '--ttl', '24h'], { env })).stdout.trim();
    expect(await status(bearer(token))).toBe(200);
    const list = JSON.parse((await ok(['user', 'token', 'list', '--login', 'tom', '--json'], { env })).stdout) as Array<Record<string, any>>;
    const entry = list.find((t) => t.id === token.slice(0, 8))!;
    expect(entry).toMatchObject({ name: 'nightly', expired: false });
    expect(entry).toHaveProperty('last_used_at');
    const expires = Date.parse(entry.expires_at);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 24 * 3600e3 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 24 * 3600e3);
    expect(JSON.stringify(list)).not.toContain(token);
    const text = (await ok(['user', 'token', 'list', '--login', 'tom'], { env })).stdout;
    expect(text).toMatch(new RegExp(`^${token.slice(0, 8)}\\t\\S+Z\\tactive\\t\\S+Z\\tnightly$`, 'm'));
    expect(text).toMatch(/\tactive\tno expiry\tci$/m);
    // The server lists the same tokens.
    const viaApi = await http('GET', `${api}/user/tokens`, { headers: bearer(token) });
    expect(viaApi.json().map((t: { id: string }) => t.id)).toContain(token.slice(0, 8));
  });

  it('create --json prints the token with its extensions', async () => {
    const t = JSON.parse((await ok(['user', 'token', 'create', '--login', 'tom', '--json'], { env })).stdout);
    expect(t).toMatchObject({ id: expect.stringMatching(TOKEN_SHAPE), expired: false, name: '', expires_at: null });
  });

  it('fails with one line for an unknown user or a bad --ttl', async () => {
    expect(await fails(['user', 'token', 'create', '--login', 'nobody', '--name', 'x'], { env })).toBe(
      'semauth: No user with login or e-mail "nobody".',
    );
    expect(await fails(['user', 'token', 'list', '--login', 'nobody'], { env })).toContain('"nobody"');
    expect(await fails(['user', 'token', 'create', '--login', 'tom', '--ttl', 'tomorrow'], { env })).toBe(
      'semauth: --ttl: "tomorrow" is not a duration like 90m, 24h or 30d',
    );
    expect(await fails(['user', 'token', 'create', '--login', 'tom', '--ttl', '999999999w'], { env })).toContain('after the year 9999');
  });
});

describe('semauth user change-by-login', () => {
  it('a new password works, the old one does not, and old sessions end', async () => {
    await ok(['user', 'add', '--login', 'pat', '--name', 'Pat', '--email', 'pat@example.com', '--password', 'pat-password-1'], { env });
    const oldSession = await login(api, 'pat', 'pat-password-1');
    expect(await status({ cookie: oldSession })).toBe(200);

    const r = await ok(['user', 'change-by-login', '--login', 'pat', '--password-stdin'], { env, stdin: 'pat-password-2\n' });
    expect(r.stdout).toBe('user pat changed: password (their sessions were ended)\n');

    expect(await status({ cookie: oldSession })).toBe(401);
    expect(await loginStatus('pat', 'pat-password-1')).toBe(401);
    const fresh = await login(api, 'pat', 'pat-password-2');
    expect(await status({ cookie: fresh })).toBe(200);
  });

  it('--password-from-env takes SEMAUTH_USER_PASSWORD; without the flag the variable is ignored', async () => {
    await ok(['user', 'change-by-login', '--login', 'pat', '--password-from-env'], { env: { ...env, SEMAUTH_USER_PASSWORD: 'pat-password-3' } });
    expect(await loginStatus('pat', 'pat-password-3')).toBe(204);
    // A variable left in the shell must not reset the password of a later change.
    await ok(['user', 'change-by-login', '--login', 'pat', '--name', 'Pat B'], { env: { ...env, SEMAUTH_USER_PASSWORD: 'something-else' } });
    expect(await loginStatus('pat', 'pat-password-3')).toBe(204);
  });

  it('changes name, e-mail and admin rights, as the server then reports', async () => {
    const r = await ok(['user', 'change-by-login', '--login', 'pat', '--name', 'Patricia', '--email', 'patricia@example.com', '--admin'], { env });
    expect(r.stdout).toBe('user pat changed: name, e-mail, made administrator\n');
    const cookie = await login(api, 'pat', 'pat-password-3');
    expect((await http('GET', `${api}/user`, { headers: { cookie } })).json()).toMatchObject({
      username: 'pat',
      name: 'Patricia',
      email: 'patricia@example.com',
      admin: true,
    });
    await ok(['user', 'change-by-login', '--login', 'patricia@example.com', '--no-admin'], { env });
    expect((await http('GET', `${api}/user`, { headers: { cookie } })).json().admin).toBe(false);
  });

  it('--disable refuses the user everywhere and ends their sessions and tokens; --enable lets them sign in again, reviving none', async () => {
    const cookie = await login(api, 'pat', 'pat-password-3');
    const token = (await ok(['user', 'token', 'create', '--login', 'pat'], { env })).stdout.trim();
    expect((await ok(['user', 'change-by-login', '--login', 'pat', '--disable'], { env })).stdout).toBe(
      'user pat changed: disabled (their sessions and API tokens were ended)\n',
    );
    expect(await status({ cookie })).toBe(401);
    expect(await status(bearer(token))).toBe(401);
    expect(await loginStatus('pat', 'pat-password-3')).toBe(401);
    await ok(['user', 'change-by-login', '--login', 'pat', '--enable'], { env });
    expect(await status(bearer(token))).toBe(401);
    expect(await status({ cookie })).toBe(401);
    expect(JSON.parse((await ok(['user', 'token', 'list', '--login', 'pat', '--json'], { env })).stdout)).toEqual([]);
    expect(await loginStatus('pat', 'pat-password-3')).toBe(204);
  });

  it('reports only what really changed, and says so when nothing did', async () => {
    expect((await ok(['user', 'change-by-login', '--login', 'pat', '--name', 'Patricia', '--enable'], { env })).stdout).toBe(
      'user pat unchanged: it already had these values\n',
    );
    expect((await ok(['user', 'change-by-login', '--login', 'pat', '--name', 'Pat', '--enable', '--no-admin'], { env })).stdout).toBe(
      'user pat changed: name\n',
    );
    expect((await ok(['user', 'change-by-login', '--login', 'pat', '--new-login', 'patty', '--disable'], { env })).stdout).toBe(
      'user patty changed: login (was pat), disabled (their sessions and API tokens were ended)\n',
    );
    expect((await ok(['user', 'change-by-login', '--login', 'patty', '--new-login', 'pat', '--enable'], { env })).stdout).toBe(
      'user pat changed: login (was patty), enabled\n',
    );
  });

  it('refuses contradictory flags, and a password for an external user', async () => {
    expect(await fails(['user', 'change-by-login', '--login', 'pat', '--admin', '--no-admin'], { env })).toBe('semauth: use either --admin or --no-admin, not both');
    expect(await fails(['user', 'change-by-login', '--login', 'pat', '--no-admin', '--admin'], { env })).toBe('semauth: use either --admin or --no-admin, not both');
    await ok(['user', 'add', '--login', 'xena', '--name', 'Xena', '--email', 'xena@example.com', '--external'], { env });
    expect(await fails(['user', 'change-by-login', '--login', 'xena', '--password', 'xena-password-1'], { env })).toBe(
      'semauth: xena is an external (LDAP/OIDC) user: a local password would never be used.',
    );
    expect(JSON.parse((await ok(['user', 'get', '--login', 'xena', '--json'], { env })).stdout).admin).toBe(false);
  });

  it('fails with one line: unknown user, nothing to change, a taken e-mail', async () => {
    expect(await fails(['user', 'change-by-login', '--login', 'nobody', '--name', 'X'], { env })).toBe(
      'semauth: No user with login or e-mail "nobody".',
    );
    expect(await fails(['user', 'change-by-login', '--login', 'pat'], { env })).toMatch(/^semauth: nothing to change/);
    expect(await fails(['user', 'change-by-login', '--login', 'pat', '--email', 'ANN@example.com'], { env })).toBe(
      'semauth: e-mail "ANN@example.com" is already taken: logins and e-mails are unique regardless of case and Unicode form, and no login may be another user\'s e-mail.',
    );
    expect(await fails(['user', 'change-by-login', '--login', 'pat', '--disable', '--enable'], { env })).toContain('either --disable or --enable');
  });
});

describe('semauth user token revoke', () => {
  it('revokes by the listed id: the running server refuses the token at once', async () => {
    await ok(['user', 'add', '--login', 'rita', '--name', 'Rita', '--email', 'rita@example.com', '--password', 'rita-password-1'], { env });
    const token = (await ok(['user', 'token', 'create', '--login', 'rita'], { env })).stdout.trim();
    const kept = (await ok(['user', 'token', 'create', '--login', 'rita'], { env })).stdout.trim();
    expect(await status(bearer(token))).toBe(200);
    expect((await ok(['user', 'token', 'revoke', '--login', 'rita', '--id', token.slice(0, 8)], { env })).stdout).toBe(
      `token ${token.slice(0, 8)} of rita revoked\n`,
    );
    expect(await status(bearer(token))).toBe(401);
    expect(await status(bearer(kept))).toBe(200);
    const listed = JSON.parse((await ok(['user', 'token', 'list', '--login', 'rita', '--json'], { env })).stdout).map((t: { id: string }) => t.id);
    expect(listed).toEqual([kept.slice(0, 8)]);
  });

  it('by the whole token too, printing only its listed id; an id that is not theirs fails', async () => {
    const token = (await ok(['user', 'token', 'create', '--login', 'rita'], { env })).stdout.trim();
    const r = await ok(['user', 'token', 'revoke', '--login', 'rita', '--id', token], { env });
    expect(r.stdout).toBe(`token ${token.slice(0, 8)} of rita revoked\n`);
    expect(r.stdout + r.stderr).not.toContain(token);
    expect(await status(bearer(token))).toBe(401);
    const toms = (await ok(['user', 'token', 'create', '--login', 'tom'], { env })).stdout.trim();
    expect(await fails(['user', 'token', 'revoke', '--login', 'rita', '--id', toms.slice(0, 8)], { env })).toBe(
      `semauth: rita has no API token "${toms.slice(0, 8)}" (see \`semauth user token list\`)`,
    );
    expect(await status(bearer(toms))).toBe(200);
  });
});

describe('semauth user session', () => {
  it('list shows the live sessions (public ids and times, never a secret); revoke --id ends one at once', async () => {
    await ok(['user', 'add', '--login', 'sam', '--name', 'Sam', '--email', 'sam@example.com', '--password', 'sam-password-1'], { env });
    expect((await ok(['user', 'session', 'list', '--login', 'sam'], { env })).stdout).toBe('(no sessions)\n');
    const first = await login(api, 'sam', 'sam-password-1');
    const second = await login(api, 'sam', 'sam-password-1');
    const sessions = JSON.parse((await ok(['user', 'session', 'list', '--login', 'sam', '--json'], { env })).stdout) as Array<Record<string, string>>;
    expect(sessions).toHaveLength(2);
    for (const s of sessions) {
      expect(Object.keys(s).sort()).toEqual(['address', 'created', 'expires', 'id', 'last_active', 'user_agent']);
      for (const k of ['created', 'expires', 'last_active']) expect(s[k]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      // Where it signed in from: the test's loopback client, which sends no User-Agent.
      expect(s).toMatchObject({ address: '127.0.0.1', user_agent: null });
    }
    const firstId = first.split('=')[1]!.split('.')[0]!;
    expect(sessions.map((s) => s.id).sort()).toEqual([firstId, second.split('=')[1]!.split('.')[0]!].sort());
    const text = (await ok(['user', 'session', 'list', '--login', 'sam'], { env })).stdout;
    expect(text).not.toContain(first.split('.')[1]);
    expect(text).toMatch(new RegExp(`^${firstId}\\t\\S+Z\\t\\S+Z\\t\\S+Z\\t127\\.0\\.0\\.1\\t-$`, 'm'));

    expect((await ok(['user', 'session', 'revoke', '--login', 'sam', '--id', firstId], { env })).stdout).toBe(`session ${firstId} of sam ended\n`);
    expect(await status({ cookie: first })).toBe(401);
    expect(await status({ cookie: second })).toBe(200);
    expect(await fails(['user', 'session', 'revoke', '--login', 'sam', '--id', firstId], { env })).toBe(
      `semauth: sam has no live session "${firstId}" (see \`semauth user session list\`)`,
    );
  });

  it('revoke --all ends every session; --id and --all go alone', async () => {
    const a = await login(api, 'sam', 'sam-password-1');
    expect((await ok(['user', 'session', 'revoke', '--login', 'sam', '--all'], { env })).stdout).toBe('2 sessions of sam ended\n');
    expect(await status({ cookie: a })).toBe(401);
    expect((await ok(['user', 'session', 'list', '--login', 'sam'], { env })).stdout).toBe('(no sessions)\n');
    expect(await fails(['user', 'session', 'revoke', '--login', 'sam'], { env })).toBe('semauth: give either --id or --all');
    expect(await fails(['user', 'session', 'revoke', '--login', 'sam', '--all', '--id', 'x'], { env })).toBe('semauth: give either --id or --all');
  });
});

describe('semauth user unlock', () => {
  it("clears a throttled user's failures, so the right password works again at once", async () => {
    await ok(['user', 'add', '--login', 'lou', '--name', 'Lou', '--email', 'lou@example.com', '--password', 'lou-password-1'], { env });
    const from = '127.0.0.3';
    const attempt = (password: string) =>
      http('POST', `${api}/auth/login`, { headers: { 'content-type': 'application/json' }, body: { auth: 'lou', password }, localAddress: from }).then((r) => r.status);
    for (let i = 0; i < 10; i++) expect(await attempt(`wrong-password-${i}`)).toBe(401);
    expect(await attempt('lou-password-1')).toBe(429);
    expect((await ok(['user', 'unlock', '--login', 'lou'], { env })).stdout).toBe('user lou unlocked (1 throttling counter cleared)\n');
    expect(await attempt('lou-password-1')).toBe(204);
    expect((await ok(['user', 'unlock', '--login', 'LOU@example.com'], { env })).stdout).toBe('user lou unlocked: it had no failed logins counted\n');
  });
});

describe('semauth user delete', () => {
  it("ends the user's sessions and tokens on the running server", async () => {
    await ok(['user', 'add', '--login', 'dan', '--name', 'Dan', '--email', 'dan@example.com', '--password', 'dan-password-1'], { env });
    const cookie = await login(api, 'dan', 'dan-password-1');
    const token = (await ok(['user', 'token', 'create', '--login', 'dan'], { env })).stdout.trim();
    expect(await status({ cookie })).toBe(200);
    expect(await status(bearer(token))).toBe(200);

    expect((await ok(['user', 'delete', '--email', 'DAN@example.com'], { env })).stdout).toBe('user dan deleted\n');
    expect(await status({ cookie })).toBe(401);
    expect(await status(bearer(token))).toBe(401);
    expect(await loginStatus('dan', 'dan-password-1')).toBe(401);
    expect(await fails(['user', 'delete', '--login', 'dan'], { env })).toBe('semauth: No user with login or e-mail "dan".');
  });
});

describe('semauth audit on what the server recorded', () => {
  it('prints snake_case JSON, and a logout names the login', async () => {
    await ok(['user', 'add', '--login', 'lia', '--name', 'Lou', '--email', 'lia@example.com', '--password-stdin'], { env, stdin: 'lia-password-1' });
    const cookie = await login(api, 'lia', 'lia-password-1');
    const out = await http('POST', `${api}/auth/logout`, { headers: { cookie, 'content-type': 'application/json', 'user-agent': 'audit-test/1' } });
    expect(out.status).toBe(204);

    const [logout] = JSON.parse((await ok(['audit', '--user', 'lia', '--limit', '1', '--json'], { env })).stdout);
    expect(Object.keys(logout).sort()).toEqual(['address', 'at', 'detail', 'event', 'id', 'login', 'user_agent', 'user_id']);
    expect(logout).toMatchObject({ event: 'logout', login: 'lia', user_id: expect.any(Number), user_agent: 'audit-test/1' });
    const line = (await ok(['audit', '--user', 'lia', '--limit', '1'], { env })).stdout;
    expect(line).toMatch(/^\S+Z\tlogout\tlia\t/);
  });
});
