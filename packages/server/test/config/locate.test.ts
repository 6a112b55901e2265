/**
 * Which config.json is read (config/locate.ts): `--config`, then
 * $SEMAPHORE_CONFIG_PATH, then $SEMAUTH_CONFIG, then the first of
 * ./config.json, /usr/local/etc/semaphore/config.json and
 * /etc/semaphore/config.json that exists — as Semaphore looks for its own.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SEARCH_PATHS, locateConfigFile } from '../../src/config/locate.js';
import { cliEnv, fails } from '../cli/run.js';
import { tempDir } from '../support/database.js';
import { startServerProcess } from '../support/server-process.js';

describe('locateConfigFile', () => {
  const cwd = '/srv/app';
  const everywhere = () => true;

  it('an explicit choice wins, in the order --config, SEMAPHORE_CONFIG_PATH, SEMAUTH_CONFIG', () => {
    const env = { SEMAPHORE_CONFIG_PATH: 'a.json', SEMAUTH_CONFIG: '/etc/b.json' };
    expect(locateConfigFile({ flag: 'c.json', env, search: true, cwd, exists: everywhere })).toEqual({ path: '/srv/app/c.json', source: '--config' });
    expect(locateConfigFile({ env, search: true, cwd, exists: everywhere })).toEqual({ path: '/srv/app/a.json', source: 'SEMAPHORE_CONFIG_PATH' });
    expect(locateConfigFile({ env: { SEMAUTH_CONFIG: '/etc/b.json' }, search: true, cwd, exists: everywhere })).toEqual({ path: '/etc/b.json', source: 'SEMAUTH_CONFIG' });
  });

  it('an empty variable counts as unset', () => {
    expect(locateConfigFile({ env: { SEMAPHORE_CONFIG_PATH: '', SEMAUTH_CONFIG: '' }, cwd, exists: everywhere })).toBeNull();
  });

  it("then Semaphore's places, the first that exists", () => {
    expect(CONFIG_SEARCH_PATHS).toEqual(['config.json', '/usr/local/etc/semaphore/config.json', '/etc/semaphore/config.json']);
    const only = (p: string) => (path: string) => path === p;
    expect(locateConfigFile({ env: {}, search: true, cwd, exists: everywhere })).toEqual({ path: '/srv/app/config.json', source: 'search' });
    expect(locateConfigFile({ env: {}, search: true, cwd, exists: only('/usr/local/etc/semaphore/config.json') })?.path).toBe('/usr/local/etc/semaphore/config.json');
    expect(locateConfigFile({ env: {}, search: true, cwd, exists: only('/etc/semaphore/config.json') })?.path).toBe('/etc/semaphore/config.json');
    expect(locateConfigFile({ env: {}, search: true, cwd, exists: () => false })).toBeNull();
  });

  it('looks nowhere unless asked to search (the in-process loadConfig of tests and embedders)', () => {
    expect(locateConfigFile({ env: {}, cwd, exists: everywhere })).toBeNull();
  });
});

describe('the CLI', () => {
  /** A directory holding config.json with one unknown key: the error names the file that was read. */
  function marked(name: string): { dir: string; file: string } {
    const dir = tempDir('semauth-cfg-');
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ [`marker_${name}`]: true }));
    return { dir, file };
  }
  const readFrom = (line: string) => /^semauth: config file (\S+): unknown key "marker_(\w+)"/.exec(line)?.[2];

  it('reads ./config.json of its working directory', async () => {
    const here = marked('cwd');
    expect(readFrom(await fails(['user', 'list'], { cwd: here.dir, env: await cliEnv() }))).toBe('cwd');
  });

  it('SEMAPHORE_CONFIG_PATH, then SEMAUTH_CONFIG, win over ./config.json; --config over both', async () => {
    const [here, semaphore, semauthFile, flag] = [marked('cwd'), marked('semaphore'), marked('semauth'), marked('flag')];
    const env = await cliEnv();
    expect(readFrom(await fails(['user', 'list'], { cwd: here.dir, env: { ...env, SEMAUTH_CONFIG: semauthFile.file } }))).toBe('semauth');
    expect(readFrom(await fails(['user', 'list'], { cwd: here.dir, env: { ...env, SEMAPHORE_CONFIG_PATH: semaphore.file, SEMAUTH_CONFIG: semauthFile.file } }))).toBe('semaphore');
    expect(
      readFrom(await fails(['--config', flag.file, 'user', 'list'], { cwd: here.dir, env: { ...env, SEMAPHORE_CONFIG_PATH: semaphore.file, SEMAUTH_CONFIG: semauthFile.file } })),
    ).toBe('flag');
  });

  it('a file named explicitly must exist', async () => {
    const missing = join(tempDir('semauth-cfg-'), 'nope.json');
    expect(await fails(['user', 'list'], { env: { ...(await cliEnv()), SEMAPHORE_CONFIG_PATH: missing } })).toBe(`semauth: config file ${missing} cannot be read: ENOENT`);
  });

  it('the server logs the file it read, and how it found it', async () => {
    const dir = tempDir('semauth-cfg-');
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ session_idle_hours: 5 }));
    const server = await startServerProcess({ cwd: dir, env: { SEMAUTH_LOG_LEVEL: 'info' } });
    try {
      const line = server.output().split('\n').find((l) => l.includes('starting'));
      expect(JSON.parse(line!)).toMatchObject({ config_file: file, config_source: 'search', msg: `semauth ${JSON.parse(line!).version} starting (settings from ${file} and the environment)` });
    } finally {
      await server.stop();
    }
  }, 60_000);
});
