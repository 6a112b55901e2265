/**
 * docs/postgres.md's step-by-step, run as written: its settings, its two
 * `npx semauth server` commands (in their own process groups, as in their
 * own terminals), its curl steps — and the output it promises. Only the
 * database address, role, database name and ports are the test's.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { testDialect } from '../support/database.js';
import { adminQuery } from '../support/pg-cluster.js';
import { adminUrl } from '../support/postgres.js';
import { freePort, REPO_ROOT, waitForPing } from '../support/server-process.js';

function block(doc: string, name: string): string {
  const m = new RegExp(`<!-- multi-instance walkthrough: ${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!m) throw new Error(`docs/postgres.md has no "${name}" block`);
  return m[1]!;
}

/** Replaces `from` (which must be there: a changed doc should fail here, not pass silently). */
function swap(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`expected ${JSON.stringify(from)} in the doc block:\n${text}`);
  return text.split(from).join(to);
}

const exited = (child: ChildProcess) => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));

describe.skipIf(testDialect() !== 'postgres')('docs/postgres.md', () => {
  const servers: ChildProcess[] = [];
  afterAll(async () => {
    for (const s of servers) {
      try {
        process.kill(-s.pid!, 'SIGKILL'); // whatever is left of its process group after a failure
      } catch {
        /* already gone */
      }
    }
  });

  it('two instances on one PostgreSQL, step by step, print what the doc says', async () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs/postgres.md'), 'utf8');
    const admin = new URL(adminUrl());
    const id = randomBytes(4).toString('hex');
    const [role, db] = [`semauth_doc_${id}`, `semauth_doc_${id}`];
    await adminQuery(`create role ${role} login password 'change-me'`);
    await adminQuery(`create database ${db} owner ${role}`);
    const [portA, portB] = [await freePort(), await freePort()];

    let settings = block(doc, 'settings');
    settings = swap(settings, 'SEMAPHORE_DB_HOST=127.0.0.1:5432', `SEMAPHORE_DB_HOST=${admin.hostname}:${admin.port}`);
    settings = swap(settings, 'SEMAPHORE_DB_USER=semauth', `SEMAPHORE_DB_USER=${role}`);
    settings = swap(settings, 'SEMAPHORE_DB=semauth', `SEMAPHORE_DB=${db}`);
    const commands = block(doc, 'servers')
      .trim()
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, ''));
    expect(commands).toEqual(['SEMAPHORE_PORT=3001 npx semauth server', 'SEMAPHORE_PORT=3002 npx semauth server']);

    // A clean environment, as a newcomer's shell: no test or semauth settings leaking in.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SEMAUTH_|SEMAPHORE_|DATABASE_URL$)/.test(k)));
    const outputs: string[] = [];
    for (const [i, command] of commands.entries()) {
      const line = swap(command, `SEMAPHORE_PORT=${3001 + i}`, `SEMAPHORE_PORT=${[portA, portB][i]}`);
      // detached: its own process group, like a terminal's foreground job.
      const child = spawn('bash', ['-c', `${settings}\n${line}`], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      outputs[i] = '';
      child.stdout!.on('data', (d) => (outputs[i] += d));
      child.stderr!.on('data', (d) => (outputs[i] += d));
      servers.push(child);
    }
    await Promise.all(
      [portA, portB].map((port, i) =>
        waitForPing(`http://127.0.0.1:${port}`, 60_000).catch((e: Error) => {
          throw new Error(`${e.message}\n${outputs[i]}`);
        }),
      ),
    );

    let requests = block(doc, 'requests');
    requests = swap(requests, 'http://127.0.0.1:3001/api', `http://127.0.0.1:${portA}/api`);
    requests = swap(requests, 'http://127.0.0.1:3002/api', `http://127.0.0.1:${portB}/api`);
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', `${settings}\n${requests}`], {
      cwd: REPO_ROOT,
      env,
      timeout: 60_000,
    });
    expect(stdout).toBe(block(doc, 'output'));

    // Step 5: Ctrl-C in each terminal (SIGINT to the foreground process group); each exits by itself.
    for (const s of servers) process.kill(-s.pid!, 'SIGINT');
    await Promise.all(servers.map(exited));
    const groupGone = (pid: number) => {
      try {
        process.kill(-pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    await expect.poll(() => servers.every((s) => groupGone(s.pid!)), { timeout: 10_000 }).toBe(true);
    for (const out of outputs) expect(out).not.toMatch(/unhandled|"level":50/);
  }, 120_000);
});
