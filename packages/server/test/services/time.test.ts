/** The wire format of date-times (SPEC §3), also when it comes from the formatting cache. */
import { describe, expect, it } from 'vitest';
import { toRfc3339 } from '../../src/time.js';

describe('toRfc3339', () => {
  it('is UTC with whole seconds and a literal Z, the same on every call', () => {
    const ms = Date.UTC(2026, 10, 27, 17, 32, 36, 999);
    expect(toRfc3339(ms)).toBe('2026-11-27T17:32:36Z');
    expect(toRfc3339(ms)).toBe('2026-11-27T17:32:36Z');
    expect(toRfc3339(ms - 999)).toBe('2026-11-27T17:32:36Z');
    expect(toRfc3339(ms + 1)).toBe('2026-11-27T17:32:37Z');
    expect(toRfc3339(0)).toBe('1970-01-01T00:00:00Z');
  });

  it('stays right past the size of its cache', () => {
    const base = Date.UTC(2030, 0, 1);
    for (let i = 0; i < 25_000; i++) toRfc3339(base + i * 1000);
    expect(toRfc3339(base + 24_999_000)).toBe(new Date(base + 24_999_000).toISOString().replace('.000Z', 'Z'));
    expect(toRfc3339(base)).toBe('2030-01-01T00:00:00Z');
  });
});
