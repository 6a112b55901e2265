/*
 * A throw-away project outside the repository that installs @semauth/client
 * from the tarball `npm pack` makes — what a user gets from the registry.
 * Offline: a local tarball without dependencies needs no network.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { CLIENT_DIR, REPO_ROOT, TSC } from './paths.js';

const exec = promisify(execFile);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface PackedProject {
  /** The consumer project's directory. */
  dir: string;
  /** Files `npm pack` put in the tarball. */
  packedFiles: string[];
  /** Compiles the consumer's `src/` with the repo's tsc (Node typings, no DOM). */
  compile(): Promise<RunResult>;
  /** Type-checks `src/browser.ts` with DOM typings and no Node typings. */
  compileForBrowser(): Promise<RunResult>;
  /** Runs a compiled `src/<name>.ts` with node. */
  run(name: string, env: Record<string, string>): Promise<RunResult>;
  /** Runs `src/<name>.mjs` with node as it is. */
  runScript(name: string, env: Record<string, string>): Promise<RunResult>;
  cleanup(): void;
}

/**
 * Builds the package into a staging copy (so the repo's own dist is never
 * touched by a test running beside another), packs it, and installs the
 * tarball into a new project holding `sources` (path → content under src/).
 */
export async function createPackedProject(sources: Record<string, string>): Promise<PackedProject> {
  const root = mkdtempSync(join(tmpdir(), 'semauth-client-packed-'));
  const stage = join(root, 'package');
  const dir = join(root, 'consumer');
  mkdirSync(stage);
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const file of ['package.json', 'README.md', 'LICENSE']) copyFileSync(join(CLIENT_DIR, file), join(stage, file));

  await checked(process.execPath, [
    TSC, '-p', join(CLIENT_DIR, 'tsconfig.json'), '--outDir', join(stage, 'dist'), '--composite', 'false', '--incremental', 'false',
  ], REPO_ROOT);
  const packed = JSON.parse(
    (await checked('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', root], stage)).stdout,
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = join(root, basename(packed[0]!.filename));

  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  await checked('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], dir);

  for (const [path, content] of Object.entries(sources)) {
    mkdirSync(join(dir, 'src', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'src', path), content);
  }
  const base = {
    strict: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    skipLibCheck: false, // check the published .d.ts files too…
    skipDefaultLibCheck: true, // …but not TypeScript's own lib.*.d.ts (seconds, and not ours)
  };
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        ...base,
        lib: ['ES2022'], // a Node project without DOM typings
        types: ['node'],
        typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
        rootDir: 'src',
        outDir: 'out',
      },
      include: ['src'],
      exclude: ['src/browser.ts'],
    }),
  );
  writeFileSync(
    join(dir, 'tsconfig.browser.json'),
    JSON.stringify({ compilerOptions: { ...base, lib: ['ES2022', 'DOM'], types: [], noEmit: true }, files: ['src/browser.ts'] }),
  );

  return {
    dir,
    packedFiles: packed[0]!.files.map((file) => file.path).sort(),
    compile: () => run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], dir),
    compileForBrowser: () => run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.browser.json')], dir),
    run: (name, env) =>
      run(process.execPath, [join(dir, 'out', name.replace(/\.ts$/, '.js'))], dir, { ...cleanEnv(), ...env }),
    runScript: (name, env) => run(process.execPath, [join(dir, 'src', name)], dir, { ...cleanEnv(), ...env }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * The environment without npm's own variables: under `npm test`, npm sets
 * npm_config_* (prefix, workspace…) that would make the nested npm treat
 * the repository as its project.
 */
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !/^npm_/i.test(entry[0]) && entry[0] !== 'INIT_CWD',
    ),
  );
}

async function run(command: string, args: string[], cwd: string, env = cleanEnv()): Promise<RunResult> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

async function checked(command: string, args: string[], cwd: string): Promise<RunResult> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(`${basename(command)} ${args.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}
