/** `semauth user add|list|get` against a real database, no server. */
import { beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, fails, ok } from './run.js';

let env: Record<string, string>;
beforeAll(async () => {
  env = await cliEnv();
  await ok(['user', 'add', '--login', 'alice', '--name', 'Alice A', '--email', 'Alice@Example.com', '--password', 'alice-password-1', '--admin'], { env });
});

describe('semauth user add', () => {
  it('takes the password from --password-stdin', async () => {
    const r = await ok(['user', 'add', '--login', 'bob', '--name', 'Bob', '--email', 'bob@example.com', '--password-stdin'], {
      env,
      stdin: 'bob-password-1\n',
    });
    expect(r.stdout).toMatch(/^user bob added \(id \d+\)\n$/);
  });

  it('takes the password from SEMAUTH_USER_PASSWORD', async () => {
    await ok(['user', 'add', '--login', 'carol', '--name', 'Carol', '--email', 'carol@example.com'], {
      env: { ...env, SEMAUTH_USER_PASSWORD: 'carol-password-1' },
    });
  });

  it('adds an --external user without a password', async () => {
    await ok(['user', 'add', '--login', 'ext', '--name', 'External', '--email', 'ext@example.com', '--external'], { env });
    const u = JSON.parse((await ok(['user', 'get', '--login', 'ext', '--json'], { env })).stdout);
    expect(u).toMatchObject({ username: 'ext', external: true, admin: false });
  });

  it('refuses an --external user with a password', async () => {
    const line = await fails(['user', 'add', '--login', 'ext2', '--name', 'X', '--email', 'ext2@example.com', '--external', '--password', 'whatever-1'], { env });
    expect(line).toMatch(/external.*no local password/);
  });

  it('refuses a local user without any password', async () => {
    const line = await fails(['user', 'add', '--login', 'dave', '--name', 'Dave', '--email', 'dave@example.com'], { env });
    expect(line).toMatch(/password is required.*--password-stdin.*SEMAUTH_USER_PASSWORD/);
  });

  it('refuses an empty --password-stdin and a short password', async () => {
    expect(await fails(['user', 'add', '--login', 'dave', '--name', 'Dave', '--email', 'dave@example.com', '--password-stdin'], { env })).toMatch(
      /standard input was empty/,
    );
    expect(await fails(['user', 'add', '--login', 'dave', '--name', 'Dave', '--email', 'dave@example.com', '--password', 'short'], { env })).toMatch(
      /password must be 12/,
    );
  });

  it('refuses a duplicate login or e-mail, whatever the case', async () => {
    const byLogin = await fails(['user', 'add', '--login', 'ALICE', '--name', 'A', '--email', 'other@example.com', '--password', 'password-123'], { env });
    expect(byLogin).toBe(
      'semauth: a user with login "ALICE" or e-mail "other@example.com" already exists (logins and e-mails are unique regardless of case)',
    );
    const byEmail = await fails(['user', 'add', '--login', 'alice2', '--name', 'A', '--email', 'alice@EXAMPLE.com', '--password', 'password-123'], {
      env,
    });
    expect(byEmail).toContain('already exists');
  });
});

describe('semauth user list / get', () => {
  it('lists users as text and as JSON, never with a password hash', async () => {
    const text = (await ok(['user', 'list'], { env })).stdout;
    expect(text).toMatch(/^\d+\talice\tAlice@Example\.com\tAlice A\t\[admin\]$/m);
    expect(text).toMatch(/\tbob\tbob@example\.com\tBob$/m);
    const raw = (await ok(['user', 'list', '--json'], { env })).stdout;
    expect(raw).not.toMatch(/argon2|\$2[aby]\$|password/i);
    const users = JSON.parse(raw) as Array<Record<string, unknown>>;
    expect(users.map((u) => u.username)).toEqual(expect.arrayContaining(['alice', 'bob', 'carol', 'ext']));
    for (const u of users) {
      expect(Object.keys(u).sort()).toEqual(['admin', 'alert', 'can_create_project', 'created', 'email', 'external', 'id', 'name', 'username']);
    }
  });

  it('gets one user by --login or --email, case-insensitively', async () => {
    const byLogin = JSON.parse((await ok(['user', 'get', '--login', 'ALICE', '--json'], { env })).stdout);
    expect(byLogin).toMatchObject({ username: 'alice', name: 'Alice A', email: 'Alice@Example.com', admin: true, external: false });
    expect(byLogin.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const byEmail = await ok(['user', 'get', '--email', 'alice@example.COM'], { env });
    expect(byEmail.stdout).toBe(`${byLogin.id}\talice\tAlice@Example.com\tAlice A\t[admin]\n`);
    expect(JSON.stringify(byLogin)).not.toMatch(/argon2|password/i);
  });

  it('says so when the user does not exist, or no selector is given', async () => {
    expect(await fails(['user', 'get', '--login', 'nobody'], { env })).toBe('semauth: No user with login or e-mail "nobody".');
    expect(await fails(['user', 'get'], { env })).toBe('semauth: give --login or --email');
  });
});
