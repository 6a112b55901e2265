/**
 * The README's shell examples, run as written against one real server, in
 * the README's order (only the API address, and the admin password a reader
 * copies from the first start, are the test server's): a newcomer following
 * them must see exactly what they promise.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshDatabaseEnv } from '../support/database.js';
import { REPO_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';

const README_API = 'API=http://127.0.0.1:3000/api';
const README_ADMIN_PASSWORD = "ADMIN_PASSWORD='the-password-printed-at-the-first-start'";

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess({ dbEnv: await freshDatabaseEnv('sqlite') });
});
afterAll(() => server.stop());

/**
 * A block starts `npx semauth` processes (a cold Node start each), which on a
 * loaded machine take seconds: the block gets a minute, and its test more.
 */
const BLOCK_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = BLOCK_TIMEOUT_MS + 30_000;

/** The shell block the README marks `<!-- name: … -->`. */
function block(name: string): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- ${name}[^>]*-->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!m) throw new Error(`README.md has no ${name} block`);
  return m[1]!;
}

/** Runs a block with bash (errors are fatal) and returns its output lines. */
async function run(script: string): Promise<string[]> {
  expect(script).toContain(README_API);
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script.replace(README_API, `API=${server.url}/api`)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...server.env },
    timeout: BLOCK_TIMEOUT_MS,
  });
  return stdout.trim().split('\n');
}

it('runs the README walk-through against a real server', async () => {
  const lines = await run(block('walkthrough'));
  expect(lines[0]).toMatch(/^user devops added/);
  expect(JSON.parse(lines[1]!)).toMatchObject({ username: 'devops', email: 'devops@example.com' });
  const tokens = JSON.parse(lines[2]!);
  expect(tokens).toHaveLength(1);
  expect(lines.slice(3)).toEqual(['204', '401', '204', '401']);
}, TEST_TIMEOUT_MS);

it('runs the README users API example', async () => {
  const script = block('users-api');
  expect(script).toContain(README_ADMIN_PASSWORD);
  const lines = await run(script.replace(README_ADMIN_PASSWORD, `ADMIN_PASSWORD='${server.adminPassword}'`));
  expect(lines.slice(0, 2)).toEqual(['204', '204']);
  const carol = JSON.parse(lines[2]!);
  expect(carol).toMatchObject({ username: 'carol', name: 'Carol Danvers', email: 'carol@example.com', admin: false, disabled: false });
  const everyone = JSON.parse(lines[3]!) as Array<{ username: string }>;
  expect(everyone.map((u) => u.username)).toEqual(expect.arrayContaining(['admin', 'devops', 'carol']));
  expect(lines.slice(4)).toEqual(['204']);
}, TEST_TIMEOUT_MS);

it('runs the README sessions API example', async () => {
  const lines = await run(block('sessions-api'));
  const sessions = JSON.parse(lines[0]!) as Array<{ user_agent: string; current: boolean; address: string }>;
  expect(sessions.map((s) => [s.user_agent, s.current])).toEqual([
    ['Safari on the phone', false],
    ['Firefox on the laptop', true],
  ]);
  expect(sessions.every((s) => s.address === '127.0.0.1')).toBe(true);
  expect(lines.slice(1)).toEqual(['204', '401', '204']);
}, TEST_TIMEOUT_MS);
