/** Every failure of the CLI: one line on stderr, non-zero exit, nothing on stdout. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/database.js';
import { cliEnv, fails, ok, semauth } from './run.js';

let env: Record<string, string>;
beforeAll(async () => {
  env = await cliEnv();
  await ok(['migrate'], { env });
});

describe('CLI errors', () => {
  it('a missing required option: commander names it on one line', async () => {
    const r = await semauth(['user', 'token', 'create', '--name', 'x'], { env });
    expect(r.code).not.toBe(0);
    expect(r.errLines).toEqual(["semauth: required option '--login <login>' not specified (see --help)"]);
    expect(r.stdout).toBe('');
  });

  it('an unknown option or command', async () => {
    const opt = await semauth(['user', 'list', '--frob'], { env });
    expect(opt.code).toBe(1);
    expect(opt.errLines).toEqual(["semauth: unknown option '--frob' (see --help)"]);
    const cmd = await semauth(['user', 'frob'], { env });
    expect(cmd.code).toBe(1);
    expect(cmd.errLines).toEqual(["semauth: unknown command 'frob' (see --help)"]);
  });

  it('an invalid setting in the environment names the setting', async () => {
    expect(await fails(['user', 'list'], { env: { ...env, SEMAPHORE_PORT: 'http' } })).toBe(
      'semauth: SEMAPHORE_PORT must be an integer from 0 to 65535, got "http"',
    );
    expect(await fails(['migrate'], { env: { ...env, SEMAPHORE_DB_DIALECT: 'mysql' } })).toMatch(/^semauth: SEMAPHORE_DB_DIALECT must be one of sqlite, postgres/);
  });

  it('a config file that is missing, not JSON, or has an unknown key', async () => {
    const dir = tempDir();
    expect(await fails(['--config', join(dir, 'none.json'), 'user', 'list'], { env })).toBe(
      `semauth: config file ${join(dir, 'none.json')} cannot be read: ENOENT`,
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"port": 3000,\n}');
    expect(await fails(['--config', bad, 'user', 'list'], { env })).toMatch(new RegExp(`^semauth: config file ${bad} is not valid JSON: `));
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, '{"intreface": "0.0.0.0"}');
    expect(await fails(['user', 'list'], { env: { ...env, SEMAUTH_CONFIG: typo } })).toContain('unknown key "intreface"');
  });

  it('a database that cannot be opened names the file and the setting', async () => {
    const line = await fails(['user', 'list'], { env: { ...env, SEMAPHORE_DB_DIALECT: 'sqlite', SEMAPHORE_DB_HOST: '/dev/null/semauth.sqlite' } });
    expect(line).toMatch(/^semauth: database error: .* \(SQLite file "\/dev\/null\/semauth\.sqlite", set by SEMAPHORE_DB_HOST\)$/);
    const dir = await fails(['user', 'list'], { env: { ...env, SEMAPHORE_DB_DIALECT: 'sqlite', SEMAPHORE_DB_HOST: tempDir() } });
    expect(dir).toMatch(/^semauth: database error: unable to open database file \(SQLite file/);
  });

  it('a PostgreSQL server that does not answer', async () => {
    const line = await fails(['migrate'], { env: { ...env, SEMAPHORE_DB_DIALECT: 'postgres', SEMAUTH_DB_URL: 'postgres://u:secret@127.0.0.1:1/db' } });
    expect(line).toMatch(/^semauth: database error: .*ECONNREFUSED.* \(PostgreSQL at SEMAUTH_DB_URL\)$/);
    expect(line).not.toContain('secret');
  });

  it('bad values of command options', async () => {
    expect(await fails(['audit', '--since', 'yesterday'], { env })).toBe('semauth: --since: "yesterday" is not a duration like 1h or 7d');
    expect(await fails(['audit', '--limit', '0'], { env })).toBe('semauth: --limit must be a positive integer');
    expect(await fails(['user', 'add', '--login', 'x y', '--name', 'X', '--email', 'x@example.com', '--password', 'password-long-1'], { env })).toBe(
      'semauth: login must not contain spaces.',
    );
    expect(await fails(['user', 'add', '--login', 'x', '--name', 'X', '--email', 'x@example.com', '--password', 'a', '--password-stdin'], { env })).toBe(
      'semauth: use either --password or --password-stdin, not both',
    );
  });

  it('no command prints the help on stderr and exits non-zero; --help and --version exit 0', async () => {
    const none = await semauth([], { env });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Usage: semauth');
    const help = await semauth(['--help'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: semauth');
    const version = await semauth(['--version'], { env });
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
