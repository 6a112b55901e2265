/**
 * What anyone who clones or installs the project meets first: the licence,
 * package manifests, an install without engine warnings, and documentation
 * written for them rather than for one checkout.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/server-process.js';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
/** The root manifest and every workspace's. */
const MANIFESTS = ['package.json', ...(JSON.parse(read('package.json')).workspaces as string[]).map((w) => `${w}/package.json`)];

describe('licence', () => {
  it('is MIT, held by the semauth contributors, at the root and in the published SDK', () => {
    const licence = read('LICENSE');
    expect(licence).toMatch(/^MIT License\n\nCopyright \(c\) 2026 the semauth contributors\n/);
    expect(licence).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
    expect(read('packages/client/LICENSE')).toBe(licence);
  });

  it.each(MANIFESTS)('%s says "license": "MIT"', (path) => {
    expect(JSON.parse(read(path)).license).toBe('MIT');
  });
});

describe('npm ci', () => {
  it('installs on Node 20 without an engine warning (EBADENGINE)', async () => {
    // A dry run from the committed manifests and lock file: offline, nothing is downloaded or built.
    const dir = mkdtempSync(join(tmpdir(), 'semauth-npm-ci-'));
    try {
      for (const path of [...MANIFESTS, 'package-lock.json']) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        copyFileSync(join(REPO_ROOT, path), join(dir, path));
      }
      // Without npm's own variables: under `npm test` they would point the nested npm at the repository.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
      const { stdout, stderr } = await promisify(execFile)('npm', ['ci', '--dry-run', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], {
        cwd: dir,
        env,
        timeout: 60_000,
      });
      expect(stdout).toMatch(/added \d+ packages/);
      expect(stderr).not.toContain('EBADENGINE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('documentation', () => {
  const committedDocs = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'docs/cli.md', 'docs/configuration.md', 'docs/postgres.md', 'packages/client/README.md', 'packages/web/README.md', 'bench/README.md'];

  it('has a CONTRIBUTING.md and no note to one checkout (docs/TEAM-BRIEF.md)', () => {
    expect(existsSync(join(REPO_ROOT, 'CONTRIBUTING.md'))).toBe(true);
    expect(existsSync(join(REPO_ROOT, 'docs/TEAM-BRIEF.md'))).toBe(false);
  });

  it.each(committedDocs)('%s cites no file outside the repository and no absolute path of one machine', (path) => {
    const text = read(path);
    expect(text).not.toMatch(/DESIGN\.md|TEAM-BRIEF/);
    expect(text).not.toMatch(/(^|[\s`(])\/(work|home|root|Users)\//m);
  });
});
