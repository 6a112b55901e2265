/**
 * Where the SQLite file comes from: commands that only read never create
 * one (run from the wrong directory, they must not answer "(no users)" from
 * a new empty database); commands meant to start one say which file they
 * created; files are owner-only whatever the umask; and a path that cannot
 * be created fails at once, naming the setting (Node's recursive mkdir spins
 * forever on `/proc/nope/…`).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAST_HASHING_ENV, tempDir } from '../support/database.js';
import { freePort, SEMAUTH_BIN, waitForPing } from '../support/server-process.js';
import { fails, ok } from './run.js';

/** SQLite settings without SEMAPHORE_DB_HOST: the default `data/semauth.sqlite`, relative to the working directory. */
const DEFAULT_PATH_ENV = { ...FAST_HASHING_ENV, SEMAPHORE_DB_DIALECT: 'sqlite', SEMAUTH_LOG_LEVEL: 'warn' };

describe('commands that only read', () => {
  it.each([
    ['user list'],
    ['user get --login admin'],
    ['user token list --login admin'],
    ['user session list --login admin'],
    ['user change-by-login --login admin --name X'],
    ['user delete --login admin'],
    ['audit'],
  ])('`%s` in a directory without a database fails naming the path and SEMAPHORE_DB_HOST, and creates nothing', async (command) => {
    const cwd = tempDir();
    const line = await fails(command.split(' '), { env: DEFAULT_PATH_ENV, cwd });
    expect(line).toBe(
      `semauth: no SQLite database at ${join(cwd, 'data', 'semauth.sqlite')} (SEMAPHORE_DB_HOST), and this command does not create one: point SEMAPHORE_DB_HOST (or --config) at the server's database, or create it with \`semauth migrate\``,
    );
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('commands that start a database', () => {
  it('`user add` creates it (and its directory), says which file, and the reading commands then find it', async () => {
    const cwd = tempDir();
    const file = join(cwd, 'data', 'semauth.sqlite');
    const r = await ok(['user', 'add', '--login', 'first', '--name', 'First', '--email', 'first@example.com', '--password', 'first-password-1'], {
      env: DEFAULT_PATH_ENV,
      cwd,
    });
    expect(r.stderr).toBe(`semauth: created a new SQLite database at ${file} (SEMAPHORE_DB_HOST)\n`);
    expect(r.stdout).toMatch(/^user first added \(id 1\)\n$/);
    expect(statSync(join(cwd, 'data')).mode & 0o777).toBe(0o700);
    const list = await ok(['user', 'list'], { env: DEFAULT_PATH_ENV, cwd });
    expect(list.stdout).toMatch(/\tfirst\t/);
    expect(list.stderr).toBe('');
  });

  it.runIf(process.platform === 'linux')('a path whose directory cannot be created fails at once, naming the setting and the path', async () => {
    const env = { ...DEFAULT_PATH_ENV, SEMAPHORE_DB_HOST: '/proc/nope/x.sqlite', SEMAUTH_ADMIN_PASSWORD: 'admin-password-1', SEMAPHORE_PORT: '0' };
    const expected =
      `semauth: database error: ENOENT: no such file or directory, mkdir '/proc/nope' (SQLite file "/proc/nope/x.sqlite", set by SEMAPHORE_DB_HOST)`;
    // run.ts kills a command after 20 s: a spinning mkdir would show as no exit code at all.
    expect(await fails(['migrate'], { env })).toBe(expected);
    expect(await fails(['server'], { env })).toBe(expected);
    expect(await fails(['user', 'add', '--login', 'a', '--name', 'A', '--email', 'a@example.com', '--password', 'a-password-123'], { env })).toBe(expected);
    expect(await fails(['user', 'list'], { env })).toMatch(/^semauth: no SQLite database at \/proc\/nope\/x\.sqlite \(SEMAPHORE_DB_HOST\)/);
  });
});

describe('file modes', () => {
  it.runIf(process.platform !== 'win32')('the server creates the database, its -wal and -shm files 0600 even with umask 000, and logs which file', async () => {
    const dir = tempDir();
    const file = join(dir, 'new', 'semauth.sqlite');
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...DEFAULT_PATH_ENV,
      SEMAUTH_LOG_LEVEL: 'info',
      SEMAPHORE_DB_HOST: file,
      SEMAPHORE_PORT: String(port),
      SEMAUTH_ADMIN_PASSWORD: 'admin-password-1',
    };
    const child = spawn('/bin/sh', ['-c', `umask 000; exec "${process.execPath}" "${SEMAUTH_BIN}" server`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await waitForPing(`http://127.0.0.1:${port}`, 20_000, child);
      // The server holds the database open in WAL mode: all three files exist now.
      for (const f of [file, `${file}-wal`, `${file}-shm`]) {
        expect(existsSync(f), f).toBe(true);
        expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
      }
      expect((statSync(join(dir, 'new')).mode & 0o777).toString(8)).toBe('700');
      const created = out.split('\n').find((l) => l.includes('created a new SQLite database'));
      expect(created, out).toBeDefined();
      expect(JSON.parse(created!).file).toBe(file);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
