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
      'semauth: login "ALICE" is already taken: logins and e-mails are unique regardless of case and Unicode form, and no login may be another user\'s e-mail.',
    );
    const byEmail = await fails(['user', 'add', '--login', 'alice2', '--name', 'A', '--email', 'alice@EXAMPLE.com', '--password', 'password-123'], {
      env,
    });
    expect(byEmail).toContain('e-mail "alice@EXAMPLE.com" is already taken');
    // A login that is another user's e-mail, and the other way round.
    expect(await fails(['user', 'add', '--login', 'ALICE@example.com', '--name', 'A', '--email', 'a3@example.com', '--password', 'password-123'], { env })).toContain(
      'login "ALICE@example.com" is already taken',
    );
    expect(await fails(['user', 'add', '--login', 'alice3', '--name', 'A', '--email', 'Bob@example.com', '--password', 'password-123'], { env })).toContain(
      'is already taken',
    );
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
    expect(await fails(['user', 'get'], { env })).toBe('semauth: give --login, --email or --id');
    expect(await fails(['user', 'get', '--id', 'x1'], { env })).toBe('semauth: --id: "x1" is not a user id (a positive integer)');
    expect(await fails(['user', 'get', '--id', '999999'], { env })).toBe('semauth: No user with id 999999.');
  });

  it('--email matches e-mails only; --id the id', async () => {
    expect(await fails(['user', 'get', '--email', 'alice'], { env })).toBe('semauth: No user with e-mail "alice".');
    const alice = JSON.parse((await ok(['user', 'get', '--login', 'alice', '--json'], { env })).stdout);
    expect(JSON.parse((await ok(['user', 'get', '--id', String(alice.id), '--json'], { env })).stdout)).toEqual(alice);
  });
});

describe('conflicting selectors', () => {
  // The trap: `user delete --login admin --email devops@example.com` deleted admin.
  it.each([
    ['get', ['--login', 'alice', '--email', 'bob@example.com'], '--login and --email'],
    ['delete', ['--login', 'alice', '--email', 'bob@example.com'], '--login and --email'],
    ['delete', ['--email', 'bob@example.com', '--id', '1'], '--email and --id'],
    ['change-by-login', ['--login', 'alice', '--id', '2', '--name', 'X'], '--login and --id'],
  ])('user %s refuses %j and changes nothing', async (verb, args, named) => {
    expect(await fails(['user', verb, ...args], { env })).toBe(`semauth: give only one of ${named}: they could name different users`);
    const users = JSON.parse((await ok(['user', 'list', '--json'], { env })).stdout) as Array<{ username: string; name: string }>;
    expect(users.map((u) => u.username)).toEqual(expect.arrayContaining(['alice', 'bob']));
    expect(users.find((u) => u.username === 'alice')!.name).toBe('Alice A');
  });
});

describe('the last enabled administrator', () => {
  it('cannot be deleted, demoted or disabled from the CLI; once another admin exists, it can', async () => {
    const last = 'semauth: This is the last enabled administrator: make another user an administrator first.';
    expect(await fails(['user', 'delete', '--login', 'alice'], { env })).toBe(last);
    expect(await fails(['user', 'change-by-login', '--login', 'alice', '--no-admin'], { env })).toBe(last);
    expect(await fails(['user', 'change-by-login', '--login', 'alice', '--disable'], { env })).toBe(last);
    expect(JSON.parse((await ok(['user', 'get', '--login', 'alice', '--json'], { env })).stdout)).toMatchObject({ admin: true });
    // A disabled admin does not count as another.
    await ok(['user', 'change-by-login', '--login', 'carol', '--admin', '--disable'], { env });
    expect(await fails(['user', 'change-by-login', '--login', 'alice', '--no-admin'], { env })).toBe(last);
    await ok(['user', 'change-by-login', '--login', 'carol', '--enable'], { env });
    expect((await ok(['user', 'change-by-login', '--login', 'alice', '--no-admin'], { env })).stdout).toBe('user alice changed: administrator rights removed\n');
    expect(await fails(['user', 'delete', '--login', 'carol'], { env })).toBe(last);
    await ok(['user', 'change-by-login', '--login', 'alice', '--admin'], { env });
  });
});
