/**
 * @semauth/server as a user gets it: built into a staging copy (the repo's own
 * dist/ is never touched by a test running beside another), `npm pack`ed, and
 * the tarball installed into a new project outside the repository.
 *
 * Native modules are the one part not installed for real: their install
 * scripts fetch a binary from GitHub (better-sqlite3's prebuild-install, out
 * of reach here) or compile one (about a minute on 2 cores: SQLite; argon2,
 * whose prebuilt binary crashes on this machine, so its install script
 * compiles it). That belongs in `npm ci`, not in every test run. So the
 * tarball is installed with --ignore-scripts, and the binaries the
 * workspace's own install produced (same versions, same machine) are put
 * where those scripts put theirs: build/Release/, which is looked at before
 * any prebuilt one. (bcrypt's prebuilt binary works and needs nothing.)
 * Everything else — the tarball, the dependency tree, the bin — is real.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './server-process.js';

const exec = promisify(execFile);
const SERVER_DIR = join(REPO_ROOT, 'packages/server');
const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
/** Native modules and the binary their install script leaves in build/Release/ (when it builds one). */
const NATIVE_BUILDS = [
  ['better-sqlite3', 'better_sqlite3.node'],
  ['argon2', 'argon2.node'],
  ['bcrypt', 'bcrypt_lib.node'],
] as const;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PackedServer {
  root: string;
  /** The project the tarball was installed into. */
  dir: string;
  /** Paths inside the tarball. */
  packedFiles: string[];
  /** package.json as packed. */
  manifest: Record<string, unknown>;
  cleanup(): void;
}

/**
 * The environment without npm's own variables: under `npm test` npm sets
 * npm_config_* (prefix, workspace…) that would make a nested npm treat the
 * repository as its project.
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base = Object.entries(process.env).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && !/^npm_/i.test(entry[0]) && entry[0] !== 'INIT_CWD' && !entry[0].startsWith('SEMAUTH_') && !entry[0].startsWith('SEMAPHORE_'),
  );
  return { ...Object.fromEntries(base), ...extra };
}

export async function run(command: string, args: string[], cwd: string, env = cleanEnv()): Promise<RunResult> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

async function checked(command: string, args: string[], cwd: string): Promise<RunResult> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${basename(command)} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

export async function packAndInstallServer(): Promise<PackedServer> {
  const root = mkdtempSync(join(tmpdir(), 'semauth-server-packed-'));
  const stage = join(root, 'package');
  const dir = join(root, 'consumer');
  mkdirSync(stage);
  mkdirSync(dir);
  for (const file of ['package.json', 'README.md']) copyFileSync(join(SERVER_DIR, file), join(stage, file));
  cpSync(join(SERVER_DIR, 'bin'), join(stage, 'bin'), { recursive: true });
  await checked(process.execPath, [TSC, '-p', join(SERVER_DIR, 'tsconfig.json'), '--outDir', join(stage, 'dist'), '--composite', 'false', '--incremental', 'false'], REPO_ROOT);
  // The web UI, as the root `npm run build` embeds it (packages/server/scripts/embed-web-ui.mjs).
  if (existsSync(join(SERVER_DIR, 'dist/web/index.html'))) cpSync(join(SERVER_DIR, 'dist/web'), join(stage, 'dist/web'), { recursive: true });

  const packed = JSON.parse((await checked('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', root], stage)).stdout) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  const tarball = join(root, basename(packed[0]!.filename));

  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }, null, 2));
  await checked('npm', ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], dir);

  // The native binaries, in the place their install scripts would have put them (see above).
  const version = (p: string) => (JSON.parse(readFileSync(join(p, 'package.json'), 'utf8')) as { version: string }).version;
  for (const [name, binary] of NATIVE_BUILDS) {
    const ours = join(REPO_ROOT, 'node_modules', name);
    const theirs = join(dir, 'node_modules', name);
    if (!existsSync(join(ours, 'build/Release', binary))) continue;
    if (version(ours) !== version(theirs)) throw new Error(`${name} ${version(theirs)} installed, the workspace built ${version(ours)}`);
    mkdirSync(join(theirs, 'build/Release'), { recursive: true });
    copyFileSync(join(ours, 'build/Release', binary), join(theirs, 'build/Release', binary));
  }

  return {
    root,
    dir,
    packedFiles: packed[0]!.files.map((f) => f.path).sort(),
    manifest: JSON.parse(readFileSync(join(dir, 'node_modules/@semauth/server/package.json'), 'utf8')) as Record<string, unknown>,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface DockerRuntime {
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  healthcheck: string[];
  user: string;
  volumes: string[];
}

/**
 * The runtime stage (the last FROM) of a Dockerfile: its ENV, USER, VOLUME,
 * ENTRYPOINT, CMD and HEALTHCHECK command, in the exec (JSON) form this
 * project's Dockerfile uses.
 */
export function parseDockerfile(text: string): DockerRuntime {
  const instructions = text
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const lastFrom = instructions.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  const out: DockerRuntime = { env: {}, entrypoint: [], cmd: [], healthcheck: [], user: '', volumes: [] };
  for (const line of instructions.slice(lastFrom + 1)) {
    const [, keyword, rest] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    switch (keyword?.toUpperCase()) {
      case 'ENV':
        for (const m of rest!.matchAll(/(\w+)=("[^"]*"|\S+)/g)) out.env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
        break;
      case 'ENTRYPOINT':
        out.entrypoint = JSON.parse(rest!) as string[];
        break;
      case 'CMD':
        out.cmd = JSON.parse(rest!) as string[];
        break;
      case 'HEALTHCHECK':
        out.healthcheck = JSON.parse(/\bCMD\s+(\[.*\])$/.exec(rest!)![1]!) as string[];
        break;
      case 'USER':
        out.user = rest!;
        break;
      case 'VOLUME':
        out.volumes = JSON.parse(rest!) as string[];
        break;
      default:
    }
  }
  return out;
}
