/**
 * Storage conformance: the Storage itself — dialect, migrate (idempotent and
 * safe when several processes start at once), ping, close, stats.writes —
 * on the dialect under test.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/types.js';
import { freshDatabaseEnv, testDialect } from '../support/database.js';
import { SEMAUTH_BIN } from '../support/server-process.js';
import { createUser, newSession, newToken, unique } from '../support/storage.js';

async function openOn(env: Record<string, string>): Promise<Storage> {
  return openStorage(loadConfig({ env: { ...env, SEMAUTH_LOG_LEVEL: 'silent' } }));
}

/** Runs the built CLI (`npm run build` first; scripts/test.sh does). */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SEMAUTH_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env, SEMAUTH_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('Storage', () => {
  it('is of the dialect under test', async () => {
    const s = await openOn(await freshDatabaseEnv());
    try {
      expect(s.dialect).toBe(testDialect());
    } finally {
      await s.close();
    }
  });

  it('migrate is idempotent and keeps the data', async () => {
    const s = await openOn(await freshDatabaseEnv());
    try {
      await s.migrate();
      const u = await createUser(s);
      await s.migrate();
      await s.migrate();
      expect(await s.users.findById(u.id)).toEqual(u);
    } finally {
      await s.close();
    }
  });

  it('migrates once when several processes race on an empty database', async () => {
    // Separate processes, as in production: better-sqlite3 blocks its whole
    // thread while waiting for a lock, so in-process racers would only wait
    // for each other's busy_timeout.
    const env = await freshDatabaseEnv();
    const runs = await Promise.all(Array.from({ length: 4 }, () => runCli(['migrate'], env)));
    for (const r of runs) expect(r, r.output).toMatchObject({ code: 0 });
    const s = await openOn(env);
    try {
      await s.migrate();
      const u = await createUser(s);
      expect(await s.users.findById(u.id)).toEqual(u);
    } finally {
      await s.close();
    }
  });

  it('ping answers while open and fails after close', async () => {
    const s = await openOn(await freshDatabaseEnv());
    await s.migrate();
    await expect(s.ping()).resolves.toBeUndefined();
    await s.close();
    await expect(s.ping()).rejects.toThrow();
  });

  it('stats.writes counts every writing call and no reading one', async () => {
    const s = await openOn(await freshDatabaseEnv());
    try {
      await s.migrate();
      const w = () => s.stats.writes;
      let before = w();
      const u = await createUser(s);
      expect(w()).toBe(before + 1);

      before = w();
      await s.users.findById(u.id);
      await s.users.findByLogin(u.username);
      await s.users.list();
      await s.users.count();
      const sess = newSession(u.id);
      const tok = newToken(u.id);
      expect(w()).toBe(before);

      const writes: [string, () => Promise<unknown>][] = [
        ['users.update', () => s.users.update(u.id, { name: 'x' })],
        ['sessions.create', () => s.sessions.create(sess)],
        ['sessions.touch', () => s.sessions.touch(sess.id, 2)],
        ['sessions.revoke', () => s.sessions.revoke(sess.id, 3)],
        ['sessions.revokeAllForUser', () => s.sessions.revokeAllForUser(u.id, 4)],
        ['sessions.prune', () => s.sessions.prune(0)],
        ['tokens.create', () => s.tokens.create(tok)],
        ['tokens.touch', () => s.tokens.touch(tok.hash, 5)],
        ['tokens.revoke', () => s.tokens.revoke(tok.hash, 6)],
        ['throttle.recordFailure', () => s.throttle.recordFailure([unique('k')], 7, 0)],
        ['throttle.reset', () => s.throttle.reset([unique('k')])],
        ['throttle.settleSuccess', () => s.throttle.settleSuccess(unique('k'), unique('k'))],
        ['audit.append', () => s.audit.append({ at: 8, event: 'e', userId: null, login: null, address: null, userAgent: null, detail: null })],
        ['audit.prune', () => s.audit.prune(0)],
        ['users.delete', () => s.users.delete(u.id)],
      ];
      for (const [name, write] of writes) {
        const n = w();
        await write();
        expect(w(), name).toBe(n + 1);
      }

      before = w();
      await s.sessions.findById(sess.id);
      await s.sessions.findByIdWithUser(sess.id);
      await s.tokens.findByHash(tok.hash);
      await s.tokens.findByHashWithUser(tok.hash);
      await s.tokens.listByUser(u.id);
      await s.tokens.findByPrefix(u.id, tok.prefix);
      await s.throttle.failures(['k'], 0);
      await s.audit.query({});
      await s.ping();
      expect(w()).toBe(before);
    } finally {
      await s.close();
    }
  });
});
