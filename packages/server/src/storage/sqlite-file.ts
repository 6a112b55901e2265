/**
 * Creating the SQLite file and its directories, safely: files readable by
 * their owner only, and no endless loop on paths that cannot be created.
 */
import { closeSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/**
 * False only when the path certainly does not exist (ENOENT). Any other
 * answer (a parent that is a file, no permission) counts as there: opening
 * it then fails with the real reason.
 */
export function pathExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (e) {
    return code(e) !== 'ENOENT';
  }
}

/**
 * Creates `dir` and its missing parents, one level at a time, owner-only.
 * Not mkdirSync's recursive mode: where a parent refuses new entries
 * (`/proc/nope`), Node's recursive mkdir retries forever at 100 % CPU; here
 * the first refusal throws (an errno error naming the directory).
 */
export function createDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !pathExists(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (e) {
      // Another process created it meanwhile: fine.
      if (code(e) !== 'EEXIST') throw e;
    }
  }
}

/**
 * Creates an empty file with mode 0600 — set explicitly, since the mode
 * given to open() is reduced by the umask. False when it already existed
 * (another process was first): then it is not ours to announce.
 */
export function createPrivateFile(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    throw e;
  }
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
  return true;
}
