/**
 * watchCommits (storage/sqlite-handle.ts) decides, on every cached request,
 * whether another connection committed. A wrong "no" would make a revocation
 * late, so it is checked against commits from this connection, another
 * connection, another process and a symlinked path, in many interleavings.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchCommits, type CommitWatch } from '../../src/storage/sqlite-handle.js';

const BETTER_SQLITE3 = createRequire(import.meta.url).resolve('better-sqlite3');
let dir: string;
let file: string;
let db: SQLite.Database;
let watch: CommitWatch;
const others: SQLite.Database[] = [];

function open(path = file): SQLite.Database {
  const d = new SQLite(path);
  d.pragma('journal_mode = WAL');
  return d;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'semauth-watch-'));
  file = join(dir, 'db.sqlite');
  db = open();
  db.exec('create table t (id integer primary key, v text)');
  watch = watchCommits(db, file);
});
afterEach(() => {
  watch.close();
  for (const o of others.splice(0)) o.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (d: SQLite.Database) => d.prepare('insert into t (v) values (?)').run('x');

describe('watchCommits', () => {
  it('uses the WAL-index header on Linux', () => {
    expect(watch.headerWatch).toBe(process.platform === 'linux');
  });

  it('is false without commits and for this connection’s own commits', () => {
    expect(watch.foreignCommitted()).toBe(false);
    insert(db);
    expect(watch.foreignCommitted()).toBe(false);
    db.prepare('select count(*) from t').get();
    expect(watch.foreignCommitted()).toBe(false);
  });

  it('is true once after another connection commits', () => {
    const other = open();
    others.push(other);
    insert(other);
    expect(watch.foreignCommitted()).toBe(true);
    expect(watch.foreignCommitted()).toBe(false);
  });

  it('is true after another process commits', () => {
    const script = `const D = require(${JSON.stringify(BETTER_SQLITE3)}); const d = new D(${JSON.stringify(file)}); d.prepare("insert into t (v) values ('p')").run(); d.close();`;
    execFileSync(process.execPath, ['-e', script]);
    expect(watch.foreignCommitted()).toBe(true);
    expect(watch.foreignCommitted()).toBe(false);
  });

  it('sees a foreign commit in any interleaving with its own commits and checks', () => {
    const other = open();
    others.push(other);
    for (let i = 0; i < 300; i++) {
      const ownFirst = i % 3 === 0;
      const foreign = i % 2 === 0;
      if (ownFirst) insert(db);
      if (foreign) insert(other);
      if (i % 5 === 0) insert(db);
      expect(watch.foreignCommitted(), `step ${i}`).toBe(foreign);
    }
  });

  it('sees commits made through another path to the same file (a symlink)', () => {
    const link = join(dir, 'link.sqlite');
    symlinkSync(file, link);
    const viaLink = open(link);
    others.push(viaLink);
    const watchLink = watchCommits(viaLink, link);
    try {
      expect(watchLink.headerWatch).toBe(process.platform === 'linux');
      insert(db);
      expect(watchLink.foreignCommitted()).toBe(true);
      insert(viaLink);
      expect(watchLink.foreignCommitted()).toBe(false);
      expect(watch.foreignCommitted()).toBe(true);
    } finally {
      watchLink.close();
    }
  });

  it('sees commits after a checkpoint restarted the WAL', () => {
    const other = open();
    others.push(other);
    insert(other);
    expect(watch.foreignCommitted()).toBe(true);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(watch.foreignCommitted()).toBe(false);
    insert(other);
    expect(watch.foreignCommitted()).toBe(true);
    insert(db);
    other.pragma('wal_checkpoint(RESTART)');
    expect(watch.foreignCommitted()).toBe(false);
    insert(other);
    expect(watch.foreignCommitted()).toBe(true);
  });
});
