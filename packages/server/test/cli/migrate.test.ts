import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, testDialect } from '../support/database.js';
import { cliEnv, ok } from './run.js';

describe('semauth migrate', () => {
  it.runIf(testDialect() === 'sqlite')('creates a missing SQLite file, and its directories', async () => {
    const file = join(tempDir(), 'not', 'there', 'yet.sqlite');
    const env = await cliEnv({ SEMAPHORE_DB_HOST: file });
    const r = await ok(['migrate'], { env });
    expect(r.stdout).toBe('database (sqlite) is up to date\n');
    expect(r.stderr).toBe(`semauth: created a new SQLite database at ${file} (SEMAPHORE_DB_HOST)\n`);
    expect(existsSync(file)).toBe(true);
    // Only the command that created it says so.
    expect((await ok(['migrate'], { env })).stderr).toBe('');
  });

  it.runIf(testDialect() === 'sqlite')('migrates an empty (zero-byte) SQLite file', async () => {
    const file = join(tempDir(), 'empty.sqlite');
    writeFileSync(file, '');
    const env = await cliEnv({ SEMAPHORE_DB_HOST: file });
    await ok(['migrate'], { env });
    // The schema is there: a command that needs it works.
    expect((await ok(['user', 'list'], { env })).stdout).toBe('(no users)\n');
  });

  it('migrates an empty database and is idempotent', async () => {
    const env = await cliEnv();
    const first = await ok(['migrate'], { env });
    const second = await ok(['migrate'], { env });
    expect(first.stdout).toMatch(/^database \((sqlite|postgres)\) is up to date\n$/);
    expect(second.stdout).toBe(first.stdout);
  });

  it('the other commands migrate an existing database first', async () => {
    const env = await cliEnv();
    await ok(['migrate'], { env });
    expect((await ok(['user', 'list', '--json'], { env })).stdout).toBe('[]\n');
  });
});
