/** The hashing limiter: never more than `max` tasks at once, every task runs, failures free their slot. */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Limiter } from '../../src/crypto/limiter.js';
import { hashingThreads } from '../../src/crypto/passwords.js';

describe('Limiter', () => {
  it('runs at most max tasks at once, in arrival order, and all of them', async () => {
    const limiter = new Limiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) =>
      limiter.run(async () => {
        started.push(i);
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 2));
        running--;
        return i;
      });
    expect(await Promise.all(Array.from({ length: 9 }, (_, i) => task(i)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('frees the slot of a failed task', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'next')).toBe('next');
  });

  it('counts the tasks waiting for a slot (queued), not the running ones', async () => {
    const limiter = new Limiter(1);
    const gates: (() => void)[] = [];
    const task = () => limiter.run(() => new Promise<void>((resolve) => gates.push(resolve)));
    expect(limiter.queued).toBe(0);
    const all = [task(), task(), task()];
    expect(limiter.queued).toBe(2);
    // Each task that ends hands its slot to the next waiter.
    for (const expected of [1, 0, 0]) {
      while (gates.length === 0) await Promise.resolve();
      gates.shift()!();
      await Promise.resolve();
      expect(limiter.queued).toBe(expected);
    }
    await Promise.all(all);
  });

  it('refuses a max below 1', () => {
    expect(() => new Limiter(0)).toThrow(RangeError);
  });
});

describe('hashingThreads', () => {
  it('takes an explicit setting as is', () => {
    expect(hashingThreads(3)).toBe(3);
    expect(hashingThreads(64)).toBe(64);
  });

  it('by default leaves one core of this machine free, and never goes below one thread', () => {
    const cores = availableParallelism();
    expect(hashingThreads(0)).toBe(Math.max(1, cores - 1));
    expect(hashingThreads()).toBe(hashingThreads(0));
    if (cores > 1) expect(hashingThreads(0)).toBeLessThan(cores);
  });
});
