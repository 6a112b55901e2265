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

  it('settleSuccess clears one counter (as if deleted) and forgives one failure of the other, in one write', async () => {
    const [pair, addr, other] = [unique('k'), unique('k'), unique('k')];
    for (let i = 0; i < 3; i++) await storage().throttle.recordFailure([pair, addr, other], T + i, T + i - WINDOW);
    const writes = storage().stats.writes;
    await storage().throttle.settleSuccess(pair, addr);
    expect(storage().stats.writes).toBe(writes + 1);
    const m = await storage().throttle.failures([pair, addr, other], T - WINDOW);
    expect(m.has(pair)).toBe(false);
    expect(m.get(addr)).toEqual({ count: 2, windowStartedAt: T });
    expect(m.get(other)?.count).toBe(3);
    // The cleared counter restarts like a new one: at 1, in a window that opens with its failure.
    const later = T + 100;
    expect((await storage().throttle.recordFailure([pair], later, later - WINDOW)).get(pair)).toEqual({ count: 1, windowStartedAt: later });
    // Never below zero; unknown keys are no error.
    await storage().throttle.settleSuccess(unique('none'), addr);
    await storage().throttle.settleSuccess(unique('none'), addr);
    await storage().throttle.settleSuccess(unique('none'), addr);
    expect((await storage().throttle.failures([addr], T - WINDOW)).get(addr)?.count).toBe(0);
    // And prune deletes a cleared counter with the ended windows.
    const gone = unique('k');
    await storage().throttle.recordFailure([gone], T, T - WINDOW);
    await storage().throttle.settleSuccess(gone, unique('none'));
    await storage().throttle.prune(T - WINDOW);
    expect(await storage().throttle.failures([gone], 0)).toEqual(new Map()); // since 0: even a window "started" at 0 would show
  });

  it('accepts empty key lists without touching the database', async () => {
    const writes = storage().stats.writes;
    expect((await storage().throttle.failures([], T)).size).toBe(0);
    await storage().throttle.recordFailure([], T, T - WINDOW);
    await storage().throttle.reset([]);
    expect(storage().stats.writes).toBe(writes);
  });
});
