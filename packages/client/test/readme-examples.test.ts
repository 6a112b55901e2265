/*
 * The README's TypeScript blocks are the files in examples/, verbatim, so
 * the documented code is the code the published-package test runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeBlocks } from '../scripts/readme-examples.mjs';
import { CLIENT_DIR } from './support/paths.js';

const readme = readFileSync(join(CLIENT_DIR, 'README.md'), 'utf8');
const blocks = readmeBlocks(readme);
const exampleFiles = readdirSync(join(CLIENT_DIR, 'examples'))
  .filter((name) => name.endsWith('.ts'))
  .map((name) => `examples/${name}`)
  .sort();
const FIX = 'run `node packages/client/scripts/readme-examples.mjs` to copy the examples into the README';

describe('README examples', () => {
  it.each(blocks.map((block) => [block.file, block.code] as const))('%s is shown verbatim', (file, code) => {
    const source = readFileSync(join(CLIENT_DIR, file), 'utf8');
    expect(code, FIX).toBe(source);
  });

  it('shows every example file exactly once', () => {
    expect(blocks.map((block) => block.file).sort()).toEqual(exampleFiles);
  });

  it('has no TypeScript block that is not an example file (so none can go untested)', () => {
    const tsFences = readme.match(/^```(?:ts|typescript|tsx|js|javascript)$/gm) ?? [];
    expect(tsFences).toHaveLength(blocks.length);
  });

  it('covers each of the seed’s five operations plus both flows', () => {
    const shown = blocks.map((block) => block.code).join('\n');
    for (const operation of [
      'authLoginPost(',
      'authLogoutPost(',
      'userTokensGet(',
      'userTokensPost(',
      'userTokensApiTokenIdDelete(',
    ]) {
      expect(shown).toContain(operation);
    }
    expect(exampleFiles).toEqual(expect.arrayContaining(['examples/cookie-flow.ts', 'examples/bearer-flow.ts']));
  });
});
