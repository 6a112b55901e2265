// The suite's arithmetic: a figure pairs each round's target with the same round's baseline.
import { describe, expect, it } from 'vitest';
import { median, medianRatio } from '../lib/stats.mjs';

describe('medianRatio', () => {
  it('is the median of the rounds’ own ratios, not the ratio of the medians', () => {
    // The machine slows down during the run: both sides drift together, each round's ratio stays 0.9.
    const baseline = [50, 48, 44, 40, 36];
    const target = [45, 43.2, 39.6, 36, 32.4];
    expect(medianRatio(target, baseline)).toBeCloseTo(0.9, 10);
    // A real login run whose machine slowed down: the medians come from different rounds (39.7 / 49.0 = 0.81).
    const logins = [44.9, 41.6, 37.7, 39.7, 34.9];
    const raw = [52.5, 50.3, 49.0, 46.8, 40.8];
    expect(median(logins) / median(raw)).toBeCloseTo(0.81, 2);
    expect(medianRatio(logins, raw)).toBeCloseTo(39.7 / 46.8, 10);
  });

  it('takes the middle of an odd count and the mean of the two middles of an even one, ignoring non-numbers', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });
});
