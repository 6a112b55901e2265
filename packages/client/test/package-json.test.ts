import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENT_DIR } from './support/paths.js';

const manifest = JSON.parse(readFileSync(join(CLIENT_DIR, 'package.json'), 'utf8')) as Record<string, unknown>;

describe('packages/client/package.json', () => {
  it('has no runtime dependencies at all — not even an empty "dependencies" key', () => {
    expect(Object.keys(manifest)).not.toContain('dependencies');
    expect(Object.keys(manifest)).not.toContain('peerDependencies');
    expect(Object.keys(manifest)).not.toContain('optionalDependencies');
    expect(Object.keys(manifest)).not.toContain('bundleDependencies');
    expect(Object.keys(manifest)).not.toContain('bundledDependencies');
  });

  it('is the ESM package @semauth/client exporting dist with its types', () => {
    expect(manifest).toMatchObject({
      name: '@semauth/client',
      version: '0.1.0',
      type: 'module',
      files: ['dist'],
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    });
  });
});
