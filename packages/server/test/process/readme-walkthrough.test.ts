/**
 * The README's walk-through, run as written (only the API address is the
 * test server's): a newcomer following it must see exactly what it promises.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshDatabaseEnv } from '../support/database.js';
import { REPO_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess({ dbEnv: await freshDatabaseEnv('sqlite') });
});
afterAll(() => server.stop());

function walkthrough(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const m = /<!-- walkthrough[^>]*-->\s*```sh\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no walk-through block');
  return m[1]!;
}

it('runs the README walk-through against a real server', async () => {
  const script = walkthrough();
  expect(script).toContain('API=http://127.0.0.1:3000/api');
  const run = script.replace('API=http://127.0.0.1:3000/api', `API=${server.url}/api`);
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', run], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...server.env },
    timeout: 60_000,
  });
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^user devops added/);
  expect(JSON.parse(lines[1]!)).toMatchObject({ username: 'devops', email: 'devops@example.com' });
  const tokens = JSON.parse(lines[2]!);
  expect(tokens).toHaveLength(1);
  expect(lines.slice(3)).toEqual(['204', '401', '204', '401']);
});
