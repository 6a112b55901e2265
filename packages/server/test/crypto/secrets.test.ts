/** Comparison of secret digests: equal only when equal, whatever the position of a difference. */
import { describe, expect, it } from 'vitest';
import { digestsEqual, sha256Hex } from '../../src/crypto/secrets.js';

describe('digestsEqual', () => {
  const a = sha256Hex('one secret');

  it('is true for the same digest only', () => {
    expect(digestsEqual(a, sha256Hex('one secret'))).toBe(true);
    expect(digestsEqual(a, sha256Hex('another secret'))).toBe(false);
  });

  it('notices a difference in the first and in the last character', () => {
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);
    expect(digestsEqual(a, flip(a, 0))).toBe(false);
    expect(digestsEqual(a, flip(a, a.length - 1))).toBe(false);
  });

  it('is false for digests of different lengths and for empty ones', () => {
    expect(digestsEqual(a, a.slice(0, -2))).toBe(false);
    expect(digestsEqual(a.slice(0, -2), a)).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
  });
});
