// Small statistics helpers: the suite reports medians of alternating rounds.

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * The median of the rounds' own ratios, target[i] / baseline[i]. Each round
 * measures target and baseline back to back, so its ratio shares that
 * moment's machine; the ratio of the two medians could pair a fast minute
 * of one with a slow minute of the other when the machine drifts.
 */
export function medianRatio(targets, baselines) {
  return median(targets.map((t, i) => t / baselines[i]));
}

/** Four significant digits: enough for ratios of noisy measurements. */
export function round(x) {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}

/** Figure `key` with its target; `better` says which side of the target passes. */
export function figure(key, value, target, better, extra = {}) {
  const v = round(value);
  const met = Number.isFinite(v) && (better === 'higher' ? v >= target : v <= target);
  return { key, value: v, target, better, met, ...extra };
}
