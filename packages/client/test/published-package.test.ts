/*
 * What a user installs: the package built and `npm pack`ed, installed from
 * the tarball into a project outside the repository, compiled with tsc and
 * run against a real server — the consumer flow and every README example.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPackedProject, type PackedProject } from './support/packed-project.js';
import { CLIENT_DIR, REPO_ROOT, TSC } from './support/paths.js';
import { apiRoot, startServer, type ServerProcess } from './support/server.js';

const execFileAsync = promisify(execFile);
const EXAMPLES = readdirSync(join(CLIENT_DIR, 'examples')).filter((name) => name.endsWith('.ts')).sort();
/** Plain JavaScript examples, run with node without compiling. */
const SCRIPTS = readdirSync(join(CLIENT_DIR, 'examples')).filter((name) => name.endsWith('.mjs')).sort();
const fixture = (name: string) => readFileSync(join(CLIENT_DIR, 'test', 'fixtures', 'consumer', name), 'utf8');

/** A line each example prints when it did its job. */
const EXPECTED_OUTPUT: Record<string, RegExp> = {
  'auth-login-post.ts': /^Logged in: true$/m,
  'auth-logout-post.ts': /^Logged out: true$/m,
  'user-tokens-get.ts': /id: '[a-z0-9_=-]{8}'/,
  'user-tokens-post.ts': /id: '[a-z0-9_=-]{44}'/,
  'user-tokens-api-token-id-delete.ts': /^Deleted token [a-z0-9_=-]{8}$/m,
  'cookie-flow.ts': /^After logout the old cookie is rejected: HTTP 401$/m,
  'bearer-flow.ts': /^After revocation the token is rejected: HTTP 401$/m,
  'ping-and-login-metadata.ts': /^pong\nPassword login enabled: true$/m,
  'quick-start.mjs': /^Your API token: [a-z0-9_=-]{44}$/m,
  'error-handling.ts': /^Login refused: HTTP 401[\s\S]*No such token of yours\nCancelled\n(Unreachable|Timed out)/m,
  'users-admin.ts': /^Created alice \(id \d+\)\nRenamed to Alice Liddell\n1\tadmin\n[\s\S]*Usernames are unique regardless of case: HTTP 409\nDeleted alice$/m,
  'sessions.ts': /^\* \S{16} from 127\.0\.0\.1 with example-laptop, active \S+Z\n[\s\S]*Sessions left: 1\nSigned out: true$/m,
};

let server: ServerProcess;
let project: PackedProject;
let env: Record<string, string>;

beforeAll(async () => {
  const sources: Record<string, string> = { 'flow.ts': fixture('flow.ts'), 'browser.ts': fixture('browser.ts') };
  for (const name of [...EXAMPLES, ...SCRIPTS]) sources[`examples/${name}`] = readFileSync(join(CLIENT_DIR, 'examples', name), 'utf8');
  [server, project] = await Promise.all([startServer(), createPackedProject(sources)]);
  env = { SEMAUTH_URL: apiRoot(server), SEMAUTH_LOGIN: 'admin', SEMAUTH_PASSWORD: server.adminPassword };
}, 180_000);

afterAll(async () => {
  project?.cleanup();
  await server?.stop();
});

describe('the packed tarball', () => {
  it('holds the compiled package only: dist, package.json, README, LICENSE', () => {
    expect(project.packedFiles).toContain('dist/index.js');
    expect(project.packedFiles).toContain('dist/index.d.ts');
    expect(project.packedFiles).toContain('LICENSE');
    const unexpected = project.packedFiles.filter((path) => !/^(dist\/[\w-]+\.(js|d\.ts)|package\.json|README\.md|LICENSE)$/.test(path));
    expect(unexpected).toEqual([]);
  });

  it('installs with nothing besides itself', () => {
    const installed = readdirSync(join(project.dir, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(installed).toEqual(['@semauth']);
    expect(readdirSync(join(project.dir, 'node_modules', '@semauth'))).toEqual(['client']);
  });

  it('compiles in a Node project without DOM typings (published .d.ts checked too)', async () => {
    const result = await project.compile();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);

  it('type-checks in a browser project without Node typings', async () => {
    const result = await project.compileForBrowser();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);
});

describe('against the real server', () => {
  it('runs the consumer flow: login → token → bearer → logout', async () => {
    const result = await project.run('flow.ts', env);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('consumer flow ok');
    expect(result.code).toBe(0);
  }, 60_000);

  it.each(SCRIPTS)('runs the README example %s with node, uncompiled', async (name) => {
    const result = await project.runScript(`examples/${name}`, env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(EXPECTED_OUTPUT[name] ?? /(?!)/);
  }, 60_000);

  it('compiles a TypeScript example with the tsc command the README gives, then runs it', async () => {
    const dir = join(project.dir, 'readme-tsc');
    mkdirSync(dir);
    copyFileSync(join(CLIENT_DIR, 'examples', 'user-tokens-get.ts'), join(dir, 'example.mts'));
    // The README's flags; only where @types/node lives differs (this project borrows the repository's).
    const flags = ['--strict', '--module', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', join(REPO_ROOT, 'node_modules', '@types')];
    expect(readFileSync(join(CLIENT_DIR, 'README.md'), 'utf8')).toContain(`npx tsc ${flags.slice(0, 7).join(' ')} example.mts`);
    const compiled = await execFileAsync(process.execPath, [TSC, ...flags, 'example.mts'], { cwd: dir }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? String(e) }));
    expect(compiled.stdout).toBe('');
    const result = await project.runScript('../readme-tsc/example.mjs', env);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(EXPECTED_OUTPUT['user-tokens-get.ts']!);
  }, 120_000);

  it.each(EXAMPLES)('runs the README example %s', async (name) => {
    const result = await project.run(`examples/${name}`, env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(EXPECTED_OUTPUT[name] ?? /(?!)/);
  }, 60_000);
});
