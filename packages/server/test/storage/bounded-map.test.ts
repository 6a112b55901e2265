/** The auth cache's bounded map: never more than its size, and what is used stays while what is not goes first. */
import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../src/storage/bounded-map.js';

describe('BoundedMap', () => {
  it('never holds more than its size', () => {
    const m = new BoundedMap<number, string>(3);
    for (let i = 0; i < 100; i++) m.set(i, `v${i}`);
    expect(m.size).toBe(3);
    expect(m.get(99)).toBe('v99');
  });

  it('evicts an entry not used since it was stored before one that was', () => {
    const m = new BoundedMap<string, number>(3);
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    expect(m.get('a')).toBe(1); // a used: b, the oldest unused, goes
    m.set('d', 4);
    expect(m.peek('b')).toBeUndefined();
    expect([m.peek('a'), m.peek('c'), m.peek('d')]).toEqual([1, 3, 4]);
  });

  it('keeps a hot entry through any number of insertions while it keeps being used', () => {
    const m = new BoundedMap<string, number>(4);
    m.set('hot', 0);
    for (let i = 0; i < 1000; i++) {
      expect(m.get('hot')).toBe(0);
      m.set(`cold${i}`, i);
    }
    expect(m.size).toBe(4);
  });

  it('still evicts when every entry has been used (second chances run out)', () => {
    const m = new BoundedMap<number, number>(2);
    m.set(1, 1);
    m.set(2, 2);
    m.get(1);
    m.get(2);
    m.set(3, 3);
    expect(m.size).toBe(2);
    expect(m.peek(3)).toBe(3);
  });

  it('peek does not mark: a peeked entry goes first', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.peek('a');
    m.get('b');
    m.set('c', 3);
    expect(m.peek('a')).toBeUndefined();
    expect(m.peek('b')).toBe(2);
  });

  it('replaces the value of a key already present without growing', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('a', 2);
    expect(m.size).toBe(1);
    expect(m.get('a')).toBe(2);
  });

  it('deleteWhere and clear remove what they name', () => {
    const m = new BoundedMap<number, number>(10);
    for (let i = 0; i < 6; i++) m.set(i, i);
    m.deleteWhere((v) => v % 2 === 0);
    expect([0, 1, 2, 3, 4, 5].map((k) => m.peek(k))).toEqual([undefined, 1, undefined, 3, undefined, 5]);
    m.clear();
    expect(m.size).toBe(0);
  });
});
