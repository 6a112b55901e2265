/** Password hashing (SPEC §5): Argon2id at OWASP's profile, legacy bcrypt verified and upgraded, off the event loop. */
import { readFileSync } from 'node:fs';
import bcrypt from 'bcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { PasswordHasher } from '../../src/crypto/passwords.js';
import { CLI_CONTEXT } from '../../src/services/context.js';
import { createServices } from '../../src/services/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { http, login } from '../support/http.js';
import { openFreshStorage } from '../support/storage.js';

describe('default password hashing', () => {
  it('makes Argon2id hashes with 19 MiB, t=2, p=1 when nothing is configured', async () => {
    // The configuration a server started without settings gets, and the services built from it.
    const defaults = loadConfig({ env: {} });
    const storage = await openFreshStorage();
    try {
      const users = createServices(storage, defaults).users;
      await users.add({ login: 'defaults', name: 'D', email: 'defaults@example.com', password: 'correct horse battery' }, CLI_CONTEXT);
      const stored = (await storage.users.findByLogin('defaults'))!.passwordHash!;
      const params = /^\$argon2id\$v=19\$([^$]+)\$/.exec(stored)?.[1]?.split(',').sort();
      expect(params, stored).toEqual(['m=19456', 'p=1', 't=2']);
    } finally {
      await storage.close();
    }
  });
});

/** Clock ticks of CPU (user + system) used by one thread of this process, or by all of them. */
function cpuTicks(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  // Fields after "(command) ": state is field 3 of proc_pid_stat(5); utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[14 - 3]) + Number(fields[15 - 3]);
}

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ memoryKiB: 19456, timeCost: 2 });

  it('hashes and verifies, and flags hashes of other parameters for rehashing', async () => {
    const h = await hasher.hash('correct horse');
    expect(await hasher.verify(h, 'correct horse')).toBe(true);
    expect(await hasher.verify(h, 'wrong horse')).toBe(false);
    expect(hasher.needsRehash(h)).toBe(false);
    expect(new PasswordHasher({ memoryKiB: 8192, timeCost: 1 }).needsRehash(h)).toBe(true);
  });

  it.each(['$2a$', '$2b$', '$2y$'])('verifies legacy bcrypt %s hashes and flags them for upgrade', async (prefix) => {
    const h = (await bcrypt.hash('old-password', 4)).replace(/^\$2[aby]\$/, prefix);
    expect(await hasher.verify(h, 'old-password')).toBe(true);
    expect(await hasher.verify(h, 'other-password')).toBe(false);
    expect(hasher.needsRehash(h)).toBe(true);
  });

  it('never matches a malformed stored hash', async () => {
    for (const h of ['', 'plain', '$argon2id$garbage', '$2b$04$short']) expect(await hasher.verify(h, 'x')).toBe(false);
  });

  // CPU time, not wall time: a loaded machine slows both threads alike but
  // never moves the work of one thread onto another.
  it.runIf(process.platform === 'linux')('hashes on the thread pool: the event loop thread spends almost none of the hashing CPU', async () => {
    const stored = await hasher.hash('warm up');
    const legacy = await bcrypt.hash('warm up', 8);
    await hasher.verifyDummy('warm up');
    const main = `/proc/self/task/${process.pid}/stat`;
    const before = { main: cpuTicks(main), all: cpuTicks('/proc/self/stat') };
    for (let i = 0; i < 6; i++) {
      await Promise.all([hasher.hash(`password ${i}`), hasher.verify(stored, `guess ${i}`), hasher.verify(legacy, `guess ${i}`), hasher.verifyDummy(`guess ${i}`)]);
    }
    const used = { main: cpuTicks(main) - before.main, all: cpuTicks('/proc/self/stat') - before.all };
    // Eighteen Argon2id hashes at 19 MiB, t=2 and six bcrypt ones: about half a second of CPU.
    expect(used.all, JSON.stringify(used)).toBeGreaterThanOrEqual(20);
    expect(used.main, JSON.stringify(used)).toBeLessThan(used.all / 10);
  });
});

describe('login upgrades legacy hashes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('logs in with a Semaphore bcrypt hash ($2y$, cost 11) and stores Argon2id afterwards', async () => {
    const legacy = (await bcrypt.hash('semaphore-pw', 11)).replace(/^\$2b\$/, '$2y$');
    const user = await t.storage.users.create({
      username: 'legacy', name: 'L', email: 'legacy@example.com', passwordHash: legacy, admin: false, external: false, alert: false, disabled: false, createdAt: Date.now(),
    });
    const cookie = await login(t.api, 'legacy', 'semaphore-pw');
    expect((await http('GET', `${t.api}/user`, { headers: { cookie } })).status).toBe(200);
    const stored = (await t.storage.users.findById(user.id))!.passwordHash!;
    expect(stored).toMatch(/^\$argon2id\$/);
    await login(t.api, 'legacy', 'semaphore-pw');
  });
});
