/*
 * The README's code blocks are the files in examples/, verbatim, so the
 * documented code is the code the published-package test runs; the plain
 * JavaScript quick start also runs here, exactly as the README says to run
 * it (`node quick-start.mjs` on this Node, no build step), against a real server.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeBlocks } from '../scripts/readme-examples.mjs';
import { CLIENT_DIR } from './support/paths.js';
import { apiRoot, startServer, type ServerProcess } from './support/server.js';

const readme = readFileSync(join(CLIENT_DIR, 'README.md'), 'utf8');
const blocks = readmeBlocks(readme);
const exampleFiles = readdirSync(join(CLIENT_DIR, 'examples'))
  .filter((name) => name.endsWith('.ts') || name.endsWith('.mjs'))
  .map((name) => `examples/${name}`)
  .sort();
const scripts = exampleFiles.filter((file) => file.endsWith('.mjs'));
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

  it('shows the users API (the seed’s UserApi) and the sessions API', () => {
    const shown = blocks.map((block) => block.code).join('\n');
    for (const operation of ['usersGet(', 'usersPost(', 'usersUserIdGet(', 'usersUserIdPut(', 'usersUserIdDelete(', 'usersUserIdPasswordPost(', 'userSessionsGet(', 'userSessionsDelete(', 'userSessionsSessionIdDelete(']) {
      expect(shown).toContain(operation);
    }
  });
});

describe('README JavaScript examples', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('include the quick start, shown first', () => {
    expect(scripts).toContain('examples/quick-start.mjs');
    expect(blocks[0]!.file).toBe('examples/quick-start.mjs');
  });

  it.each(scripts)('%s runs as is with `node` (ES module, top-level await, no build step)', async (file) => {
    // @semauth/client resolves to this package's build, as it would from node_modules.
    const run = await promisify(execFile)(process.execPath, [join(CLIENT_DIR, file)], {
      env: { PATH: process.env.PATH ?? '', SEMAUTH_URL: apiRoot(server), SEMAUTH_LOGIN: 'admin', SEMAUTH_PASSWORD: server.adminPassword },
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Your API token: [a-z0-9_=-]{44}\n$/);
  }, 60_000);
});
