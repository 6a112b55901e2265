/**
 * Runs the REAL built CLI (`node packages/server/bin/semauth.js …`) as a child
 * process, with only the environment given (plus PATH and HOME), and collects
 * its exit code and output. `npm run build` must have run (npm test does).
 */
import { spawn } from 'node:child_process';
import { FAST_HASHING_ENV, freshDatabaseEnv, tempDir } from '../support/database.js';
import { SEMAUTH_BIN } from '../support/server-process.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stderr split into non-empty lines. */
  errLines: string[];
}

export interface CliOptions {
  env?: Record<string, string>;
  /** Written to standard input, then closed (stdin is closed at once otherwise). */
  stdin?: string;
  /** Working directory; default a new empty one, so that no stray ./config.json is found. */
  cwd?: string;
}

export function semauth(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SEMAUTH_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...opts.env },
      cwd: opts.cwd ?? tempDir('semauth-cwd-'),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, errLines: stderr.split('\n').filter((l) => l.trim() !== '') });
    });
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Environment for a CLI run against a new empty database, with cheap hashing. */
export async function cliEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return { ...(await freshDatabaseEnv()), ...FAST_HASHING_ENV, SEMAUTH_LOG_LEVEL: 'warn', ...extra };
}

/** Runs a command that must succeed; fails the test with its stderr otherwise. */
export async function ok(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const r = await semauth(args, opts);
  if (r.code !== 0) throw new Error(`semauth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
}

/** Runs a command that must fail with exactly one line on stderr and exit code 1. */
export async function fails(args: string[], opts: CliOptions = {}): Promise<string> {
  const r = await semauth(args, opts);
  if (r.code !== 1 || r.errLines.length !== 1 || !r.errLines[0]!.startsWith('semauth: ')) {
    throw new Error(`expected one error line and exit 1 from semauth ${args.join(' ')}, got ${r.code}:\n${r.stderr}\nstdout: ${r.stdout}`);
  }
  return r.errLines[0]!;
}

/** Semaphore's token shape: 32 random bytes, base64url with padding, lower-cased. */
export const TOKEN_SHAPE = /^[a-z0-9_-]{43}=$/;
