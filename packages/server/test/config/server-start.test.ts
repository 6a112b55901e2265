/** `semauth server` with a bad setting: it does not start, and says which setting in one line. */
import { describe, expect, it } from 'vitest';
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
