/** The wire format of date-times (SPEC §3), also when it comes from the formatting cache, and the parsing of `expires_at`. */
import { describe, expect, it } from 'vitest';
import { parseRfc3339, toRfc3339 } from '../../src/time.js';

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

describe('parseRfc3339', () => {
  it('reads what Date.parse reads for real instants, offsets and fractions included', () => {
    for (const text of [
      '2027-01-31T12:00:00Z',
      '2027-01-31t12:00:00z',
      '2027-01-31 12:00:00Z',
      '2028-02-29T23:59:59Z', // a leap day
      '2000-02-29T00:00:00Z', // divisible by 400: a leap year
      '2027-12-31T23:59:59.999Z',
      '2027-06-15T08:30:00.5Z',
      '2027-06-15T08:30:00.123456789Z',
      '2027-06-15T10:30:00+02:00',
      '2027-06-15T01:00:00-07:30',
      '2027-06-15T23:59:59+23:59',
    ]) {
      expect(parseRfc3339(text), text).toBe(Date.parse(text));
    }
    expect(parseRfc3339('2027-06-15T10:30:00+02:00')).toBe(Date.UTC(2027, 5, 15, 8, 30));
  });

  it('refuses impossible dates and times instead of rolling them over', () => {
    for (const text of [
      '2027-02-30T00:00:00Z', // Date.parse: 2 March
      '2027-02-29T00:00:00Z', // not a leap year
      '1900-02-29T00:00:00Z', // divisible by 100, not by 400
      '2027-04-31T00:00:00Z',
      '2027-13-01T00:00:00Z',
      '2027-00-10T00:00:00Z',
      '2027-01-00T00:00:00Z',
      '2027-01-32T00:00:00Z',
      '2027-01-01T24:00:00Z', // Date.parse: the next day
      '2027-01-01T23:60:00Z',
      '2027-01-01T12:00:00+24:00',
      '2027-01-01T12:00:00+01:60',
    ]) {
      expect(parseRfc3339(text), text).toBeNull();
    }
  });

  it('refuses leap seconds (JavaScript time has none)', () => {
    expect(parseRfc3339('2016-12-31T23:59:60Z')).toBeNull();
  });

  it('refuses what is not RFC 3339: no offset, other layouts, stray text', () => {
    for (const text of ['2027-01-31T12:00:00', '2027-01-31', '2027-1-31T12:00:00Z', '27-01-31T12:00:00Z', '2027-01-31T12:00Z', ' 2027-01-31T12:00:00Z', '2027-01-31T12:00:00Z\n', '2027-01-31T12:00:00+0200', '']) {
      expect(parseRfc3339(text), JSON.stringify(text)).toBeNull();
    }
  });
});
