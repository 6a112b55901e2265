/**
 * `semauth server` with a bad setting: it does not start, and says which
 * setting in one line, as the operator wrote it. With settings it does not
 * act on yet, it starts and says so once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/database.js';
import { startServerProcess } from '../support/server-process.js';
import { cliEnv, semauth } from '../cli/run.js';

describe('semauth server with bad configuration', () => {
  it.each([
    [{ SEMAPHORE_PORT: 'http' }, 'SEMAPHORE_PORT'],
    [{ SEMAUTH_SESSION_IDLE_HOURS: '999', SEMAUTH_MAX_SESSION_LIFE_HOURS: '24' }, 'SEMAUTH_SESSION_IDLE_HOURS'],
    [{ SEMAPHORE_WEB_ROOT: 'ftp://example.com/' }, 'SEMAPHORE_WEB_ROOT'],
  ])('%o exits non-zero with one line naming %s', async (bad, name) => {
    const r = await semauth(['server'], { env: await cliEnv(bad) });
    expect(r.code).not.toBe(0);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toMatch(new RegExp(`^semauth: .*${name}`));
    expect(r.stdout).toBe('');
  });

  it('an interface that is not an address of this machine names SEMAPHORE_INTERFACE', async () => {
    const r = await semauth(['server'], { env: await cliEnv({ SEMAPHORE_INTERFACE: 'no-such-host.invalid', SEMAPHORE_PORT: '0', SEMAUTH_LOG_LEVEL: 'error', SEMAUTH_ADMIN_PASSWORD: 'admin-password-1' }) });
    expect(r.code).toBe(1);
    expect(r.errLines).toEqual([expect.stringMatching(/^semauth: cannot listen on no-such-host\.invalid: .*SEMAPHORE_INTERFACE/)]);
  });
});

describe('semauth server with a config.json', () => {
  function configFile(content: unknown): string {
    const file = join(tempDir('semauth-config-'), 'config.json');
    writeFileSync(file, JSON.stringify(content));
    return file;
  }

  it('a bad admin_password in the file is named by its key', async () => {
    const env = await cliEnv();
    delete env.SEMAUTH_ADMIN_PASSWORD;
    const r = await semauth(['--config', configFile({ admin_password: 'too-short' }), 'server'], { env });
    expect(r.code).toBe(1);
    expect(r.errLines).toEqual(['semauth: config key "admin_password" must be 12 to 1024 characters long']);
  });

  it("Semaphore's e-mail codes, not acted on yet, earn one warning at start listing them", async () => {
    const file = configFile({ mfa: { email: { enabled: true } } });
    const server = await startServerProcess({ env: { SEMAUTH_CONFIG: file } });
    try {
      const lines = server.output().split('\n').filter((l) => l.includes('not supported by semauth yet'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('these Semaphore sign-in settings are not supported by semauth yet and have no effect: mfa.email');
    } finally {
      await server.stop();
    }
  });
});
