/** Password hashing (SPEC §5): Argon2id at OWASP's profile, legacy bcrypt verified and upgraded, off the event loop. */
import bcrypt from 'bcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../src/crypto/passwords.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { http, login } from '../support/http.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher({ memoryKiB: 19456, timeCost: 2 });

  it('makes Argon2id hashes with 19 MiB, t=2, p=1 by default', async () => {
    const h = await hasher.hash('correct horse');
    const params = /^\$argon2id\$v=19\$([^$]+)\$/.exec(h)![1]!.split(',').sort();
    expect(params).toEqual(['m=19456', 'p=1', 't=2']);
    expect(await hasher.verify(h, 'correct horse')).toBe(true);
    expect(await hasher.verify(h, 'wrong horse')).toBe(false);
    expect(hasher.needsRehash(h)).toBe(false);
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

  it('hashes on the thread pool: the event loop keeps turning meanwhile', async () => {
    let ticks = 0;
    let done = false;
    const tick = () => {
      ticks++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const work = Promise.all([hasher.hash('a'), hasher.verifyDummy('b'), bcrypt.hash('c', 6)]);
    const ticksWhenStarted = ticks;
    await work;
    done = true;
    expect(ticksWhenStarted).toBe(0);
    expect(ticks).toBeGreaterThan(1);
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
