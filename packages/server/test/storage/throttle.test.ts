/** Storage conformance: ThrottleStore (login failure windows), on the dialect under test. */
import { describe, expect, it } from 'vitest';
import { unique, useFreshStorage } from '../support/storage.js';

const storage = useFreshStorage();
const T = 1_700_000_000_000;
const WINDOW = 900_000;

describe('ThrottleStore', () => {
  it('counts failures per key from the first one in the window', async () => {
    const [a, b] = [unique('k'), unique('k')];
    await storage().throttle.recordFailure([a, b], T, T - WINDOW);
    await storage().throttle.recordFailure([a], T + 10, T + 10 - WINDOW);
    const m = await storage().throttle.failures([a, b, unique('none')], T + 20 - WINDOW);
    expect(m.get(a)).toEqual({ count: 2, windowStartedAt: T });
    expect(m.get(b)).toEqual({ count: 1, windowStartedAt: T });
    expect(m.size).toBe(2);
  });

  it('does not report a window that began before `since`', async () => {
    const k = unique('k');
    await storage().throttle.recordFailure([k], T, T - WINDOW);
    expect((await storage().throttle.failures([k], T)).get(k)?.count).toBe(1);
    expect((await storage().throttle.failures([k], T + 1)).has(k)).toBe(false);
  });

  it('restarts a window that ended at 1, from the new failure', async () => {
    const k = unique('k');
    for (let i = 0; i < 3; i++) await storage().throttle.recordFailure([k], T + i, T + i - WINDOW);
    const later = T + WINDOW + 5;
    await storage().throttle.recordFailure([k], later, later - WINDOW);
    expect((await storage().throttle.failures([k], later - WINDOW)).get(k)).toEqual({ count: 1, windowStartedAt: later });
  });

  it('counts concurrent failures without losing any', async () => {
    const k = unique('k');
    await Promise.all(Array.from({ length: 25 }, () => storage().throttle.recordFailure([k], T, T - WINDOW)));
    expect((await storage().throttle.failures([k], T - WINDOW)).get(k)?.count).toBe(25);
  });

  it('reset forgets the given keys only', async () => {
    const [a, b] = [unique('k'), unique('k')];
    await storage().throttle.recordFailure([a, b], T, T - WINDOW);
    await storage().throttle.reset([a]);
    const m = await storage().throttle.failures([a, b], T - WINDOW);
    expect(m.has(a)).toBe(false);
    expect(m.get(b)?.count).toBe(1);
  });

  it('accepts empty key lists without touching the database', async () => {
    const writes = storage().stats.writes;
    expect((await storage().throttle.failures([], T)).size).toBe(0);
    await storage().throttle.recordFailure([], T, T - WINDOW);
    await storage().throttle.reset([]);
    expect(storage().stats.writes).toBe(writes);
  });
});
