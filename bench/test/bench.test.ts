/**
 * The benchmark suite runs end to end on tiny settings (`--quick`): every
 * scenario, the table, the JSON file and the summary line. Nothing here
 * asserts a speed — the figures of a run this short are meaningless, and
 * the unit suite never judges timing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { figure, median } from '../lib/stats.mjs';
import { FIGURE_KEYS } from '../lib/suite.mjs';

const RUN = fileURLToPath(new URL('../run.mjs', import.meta.url));

describe('bench helpers', () => {
  it('median of odd and even counts, ignoring non-numbers', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([1, NaN, 3])).toBe(2);
    expect(median([])).toBeNaN();
  });

  it('figure: met on the right side of the target, value rounded to 4 significant digits', () => {
    expect(figure('a', 0.712345, 0.7, 'higher')).toMatchObject({ key: 'a', value: 0.7123, target: 0.7, met: true });
    expect(figure('b', 0.69, 0.7, 'higher').met).toBe(false);
    expect(figure('c', 1.2, 1.5, 'lower').met).toBe(true);
    expect(figure('d', 0.0000123456, 0.01, 'lower')).toMatchObject({ value: 0.00001235, met: true });
    expect(figure('e', NaN, 1, 'lower').met).toBe(false);
  });
});

describe('npm run bench -- --quick', () => {
  it('runs every scenario against real servers and reports all six figures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'semauth-bench-test-'));
    const out = join(dir, 'latest.json');
    const r = spawnSync(process.execPath, [RUN, '--quick', '--out', out], { encoding: 'utf8', timeout: 170_000 });
    let report;
    try {
      report = r.status === 0 ? JSON.parse(readFileSync(out, 'utf8')) : undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^bench: [0-6]\/6 targets met$/);
    for (const key of FIGURE_KEYS) expect(r.stdout).toContain(key);

    expect(Object.keys(report.figures)).toEqual(FIGURE_KEYS);
    for (const f of Object.values<Record<string, unknown>>(report.figures)) {
      expect(f.value).toEqual(expect.any(Number));
      expect(Number.isFinite(f.value)).toBe(true);
      expect(f.target).toEqual(expect.any(Number));
      expect(f.met).toEqual(expect.any(Boolean));
    }
    expect(report.machine).toMatchObject({ cpu: expect.any(String), cores: expect.any(Number), node: process.version });
    expect(Date.parse(report.date)).not.toBeNaN();
    expect(report.server_rss_after_scale_bytes).toBeGreaterThan(0);
    expect(lines.at(-1)).toBe(`bench: ${report.met}/6 targets met`);
  }, 180_000);
});
