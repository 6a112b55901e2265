/**
 * The UI stays small: everything a browser downloads for it (index.html and
 * every built asset), gzipped, under 50 KB — the budget the README states.
 * Reads the build in packages/web/dist (`npm run build`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../server/test/support/server-process.js';

const DIST = join(REPO_ROOT, 'packages', 'web', 'dist');
const BUDGET_BYTES = 50 * 1024;

it('weighs under 50 KB gzipped, all files together', () => {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`${DIST}/index.html is missing: run \`npm run build\` first`);
  const files = ['index.html', ...readdirSync(join(DIST, 'assets')).map((name) => join('assets', name))];
  const gzipped = files.map((file) => ({ file, bytes: gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length }));
  const total = gzipped.reduce((sum, f) => sum + f.bytes, 0);
  console.log(`web UI: ${(total / 1024).toFixed(1)} KB gzipped (${gzipped.map((f) => `${f.file} ${f.bytes}`).join(', ')})`);
  expect(total).toBeLessThan(BUDGET_BYTES);
});
