/** Storage conformance: AuditStore, on the dialect under test. */
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/storage/types.js';
import { unique, useFreshStorage } from '../support/storage.js';

const storage = useFreshStorage();
const T = 1_700_000_000_000;

function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return { at: T, event: 'login.failed', userId: null, login: null, address: '127.0.0.1', userAgent: 'test', detail: null, ...overrides };
}

describe('AuditStore', () => {
  it('append then query round-trips every field, detail as an object', async () => {
    const login = unique('who');
    const e = entry({ login, userId: 424_242, detail: { reason: 'bad password', n: 3, nested: { ok: true } }, at: 4_102_444_800_001 });
    await storage().audit.append(e);
    const [back] = await storage().audit.query({ login });
    expect(back).toEqual({ ...e, id: expect.any(Number) });
    expect(back!.id).toBeGreaterThanOrEqual(1);
    expect(back!.at).toBeTypeOf('number');
  });

  it('query filters by user id OR login, by time, newest first, with a limit', async () => {
    const login = unique('who');
    const userId = 777_000 + Math.floor(Math.random() * 1000);
    await storage().audit.append(entry({ at: T + 1, login, event: 'a' }));
    await storage().audit.append(entry({ at: T + 2, userId, event: 'b' }));
    await storage().audit.append(entry({ at: T + 3, login, userId, event: 'c' }));
    await storage().audit.append(entry({ at: T + 4, login: unique('else'), event: 'd' }));

    const both = await storage().audit.query({ login, userId });
    expect(both.map((r) => r.event)).toEqual(['c', 'b', 'a']);
    expect((await storage().audit.query({ userId })).map((r) => r.event)).toEqual(['c', 'b']);
    expect((await storage().audit.query({ login })).map((r) => r.event)).toEqual(['c', 'a']);
    expect((await storage().audit.query({ login, userId, since: T + 2 })).map((r) => r.event)).toEqual(['c', 'b']);
    expect((await storage().audit.query({ login, userId, limit: 1 })).map((r) => r.event)).toEqual(['c']);
    expect((await storage().audit.query({ login: unique('nobody') }))).toEqual([]);
  });

  it('query without filters returns the newest entries first, at most `limit`', async () => {
    await storage().audit.append(entry({ event: 'latest', at: T + 100 }));
    const rows = await storage().audit.query({ limit: 3 });
    expect(rows).toHaveLength(3);
    expect(rows[0]!.event).toBe('latest');
    expect(rows[0]!.id).toBeGreaterThan(rows[1]!.id);
  });

  it('prune deletes entries older than the cut-off only and says how many', async () => {
    const login = unique('who');
    await storage().audit.append(entry({ login, at: 1000 }));
    await storage().audit.append(entry({ login, at: 1001 }));
    await storage().audit.append(entry({ login, at: 2000 }));
    expect(await storage().audit.prune(2000)).toBe(2);
    expect((await storage().audit.query({ login })).map((r) => r.at)).toEqual([2000]);
    expect(await storage().audit.prune(2000)).toBe(0);
  });
});
