/**
 * Identities from the command line: `semauth migrate` over accounts that
 * collided before identity keys lists them with the commands that settle
 * them, the server warns at start, and separate processes racing to create
 * one identity cannot both win.
 * @dialects sqlite postgres
 */
import { describe, expect, it } from 'vitest';
import { legacyDatabase } from '../support/legacy-database.js';
import { startServerProcess } from '../support/server-process.js';
import { FAST_HASHING_ENV } from '../support/database.js';
import { cliEnv, ok, semauth } from './run.js';

const NFC_UNAL = '\u00dcnal';
const NFD_UNAL = 'U\u0308nal';

async function collidingDatabase(): Promise<Record<string, string>> {
  const env = await legacyDatabase('0001_initial', [
    { username: 'admin', email: 'admin@localhost', password: 'admin-password-1', admin: true },
    { username: NFC_UNAL, email: 'unal.a@example.com' },
    { username: NFD_UNAL, email: 'unal.b@example.com' },
    { username: 'devops@example.com', email: 'f@example.com' },
    { username: 'devops', email: 'DevOps@Example.com' },
  ]);
  return { ...env, ...FAST_HASHING_ENV, SEMAUTH_LOG_LEVEL: 'warn' };
}

describe('semauth migrate over colliding accounts', () => {
  it('succeeds, lists every account involved and the commands to run, and is quiet once they ran', async () => {
    const env = await collidingDatabase();
    const r = await semauth(['migrate'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^database \((sqlite|postgres)\) is up to date\n$/);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'semauth: warning: 2 logins or e-mails are shared by several accounts, made before logins and e-mails were compared regardless of case and Unicode form:',
    );
    expect(lines).toContain('  "devops@example.com" is the login of #4 devops@example.com <f@example.com>, the e-mail of #5 devops <DevOps@Example.com>');
    expect(lines).toContain(`  "ünal" is the login of #2 ${NFC_UNAL} <unal.a@example.com>, the login of #3 ${NFD_UNAL} <unal.b@example.com>`);
    expect(lines).toContain("  npx semauth user change-by-login --id 5 --email '<new e-mail>'");
    expect(lines).toContain("  npx semauth user change-by-login --id 3 --new-login '<new login>'");

    expect((await ok(['user', 'change-by-login', '--id', '3', '--new-login', 'unal-b'], { env })).stdout).toBe(`user unal-b changed: login (was ${NFD_UNAL})\n`);
    // By the shared value, the CLI finds nobody either, and says why.
    const shared = await semauth(['user', 'get', '--login', 'DEVOPS@example.com'], { env });
    expect(shared.code).toBe(1);
    expect(shared.stderr).toMatch(/^semauth: "DEVOPS@example\.com" is the login or e-mail of several accounts \(ids 4, 5\), .* Select the account by its id\.\n$/);
    await ok(['user', 'change-by-login', '--id', '5', '--email', 'devops.team@example.com'], { env });

    const again = await ok(['migrate'], { env });
    expect(again.stderr).toBe('');
    expect(JSON.parse((await ok(['user', 'get', '--login', 'ünal', '--json'], { env })).stdout).email).toBe('unal.a@example.com');
    expect(JSON.parse((await ok(['user', 'get', '--login', 'devops@example.com', '--json'], { env })).stdout).email).toBe('f@example.com');
  });

  it('the server starts on such a database and logs the list', async () => {
    const env = await collidingDatabase();
    const server = await startServerProcess({ dbEnv: env, env: { SEMAUTH_LOG_LEVEL: 'warn' } });
    try {
      const warning = server
        .output()
        .split('\n')
        .find((l) => l.includes('identity_conflicts'));
      expect(warning, server.output()).toBeDefined();
      const entry = JSON.parse(warning!);
      expect(entry.identity_conflicts.shared).toHaveLength(2);
      expect(entry.identity_conflicts.fixes).toEqual([
        "npx semauth user change-by-login --id 5 --email '<new e-mail>'",
        "npx semauth user change-by-login --id 3 --new-login '<new login>'",
      ]);
      expect(entry.msg).toContain('sign in nobody');
    } finally {
      await server.stop();
    }
  });
});

describe('processes racing to create one identity', () => {
  it('exactly one of four spellings of Ünal is created', async () => {
    const env = await cliEnv();
    await ok(['migrate'], { env });
    const spellings = [NFC_UNAL, '\u00fcnal', '\u00dcNAL', NFD_UNAL];
    const results = await Promise.all(
      spellings.map((login, i) => semauth(['user', 'add', '--login', login, '--name', 'U', '--email', `u${i}@example.com`, '--password', 'unal-password-1'], { env })),
    );
    expect(results.map((r) => r.code).sort()).toEqual([0, 1, 1, 1]);
    for (const r of results.filter((x) => x.code === 1)) expect(r.stderr).toContain('is already taken');
    const users = JSON.parse((await ok(['user', 'list', '--json'], { env })).stdout) as Array<{ username: string }>;
    expect(users).toHaveLength(1);
  });
});
