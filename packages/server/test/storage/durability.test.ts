/**
 * What makes a 2xx survive a crash on SQLite, read from the server's own
 * connection (the Storage openStorage returns, exactly as main.ts and the CLI
 * open it): WAL journal and synchronous=FULL (2), so that every commit is
 * fsynced before the answer leaves. The SIGKILL test (security/crash.test.ts)
 * proves that answers are sent after their commit, but a killed process
 * leaves the OS page cache behind, so it passes with synchronous=OFF too;
 * this test is the one that fails when the pragmas are lost.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../src/storage/types.js';
import { testDialect } from '../support/database.js';
import { sqliteDurabilityPragmas } from '../support/database-figures.js';
import { openFreshStorage } from '../support/storage.js';

const opened: Storage[] = [];
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

describe.runIf(testDialect() === 'sqlite')('SQLite durability settings of the server connection', () => {
  it.each([
    ['with the auth cache (the default)', {}],
    ['without the auth cache', { SEMAUTH_AUTH_CACHE_ENTRIES: '0' }],
  ])('are journal_mode=wal and synchronous=FULL (2), %s', async (_n, env) => {
    const storage = await openFreshStorage(env);
    opened.push(storage);
    // After a commit, as when the first answer leaves.
    await storage.audit.append({ at: Date.now(), event: 'login.failed', userId: null, login: 'x', address: 'x', userAgent: null, detail: null });
    expect(sqliteDurabilityPragmas(storage)).toEqual({ journalMode: 'wal', synchronous: 2 });
  });
});
