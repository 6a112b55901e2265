/**
 * What an operator installs: @semauth/server packed and installed from the
 * tarball into an empty project outside the repository. Its bin answers
 * `npx semauth --version`, `npx semauth server` serves on SQLite and stops
 * when npx gets SIGTERM, and the container image's entry command and health
 * check (read from the Dockerfile) run as written against that install.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_HASHING_ENV, tempDir } from '../support/database.js';
import { http } from '../support/http.js';
import { cleanEnv, packAndInstallServer, parseDockerfile, run, type PackedServer } from '../support/packed-server.js';
import { REPO_ROOT, freePort } from '../support/server-process.js';

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'packages/server/package.json'), 'utf8')) as { version: string }).version;

let pkg: PackedServer;
beforeAll(async () => {
  pkg = await packAndInstallServer();
}, 300_000);
afterAll(() => pkg?.cleanup());

/** A started command with its output collected; `exited` resolves with its exit code. */
function start(command: string, args: string[], cwd: string, env: Record<string, string>) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => output };
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before serving:\n${output()}`);
    const ok = await http('GET', `${url}/api/health`, { timeoutMs: 1000 }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`no /api/health at ${url} within 30 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const processAlive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

describe('the tarball', () => {
  it('holds the compiled package only: bin, JavaScript and typings (migrations included), the web UI, package.json, README', () => {
    for (const f of ['bin/semauth.js', 'dist/cli/main.js', 'dist/main.js', 'dist/app.js', 'dist/storage/migrations.js', 'dist/web/index.html', 'package.json', 'README.md']) {
      expect(pkg.packedFiles).toContain(f);
    }
    const unexpected = pkg.packedFiles.filter(
      (p) => !/^(bin\/semauth\.js|dist\/[\w/-]+\.(js|d\.ts)|dist\/web\/[\w./-]+|package\.json|README\.md|LICENSE)$/.test(p),
    );
    expect(unexpected).toEqual([]);
    expect(pkg.packedFiles.filter((p) => /\.(map|tsbuildinfo)$/.test(p))).toEqual([]);
  });

  it('is publishable and names only runtime dependencies', () => {
    expect(pkg.manifest.private).toBeUndefined();
    expect(pkg.manifest.bin).toEqual({ semauth: 'bin/semauth.js' });
    // The runtime dependencies are the workspace package's own, and no devDependency is among them.
    const declared = (JSON.parse(readFileSync(join(REPO_ROOT, 'packages/server/package.json'), 'utf8')) as { dependencies: object }).dependencies;
    expect(pkg.manifest.dependencies).toEqual(declared);
    expect(Object.keys(declared)).toContain('prom-client');
    expect(pkg.manifest.devDependencies).toBeUndefined();
    const installed = readdirSync(join(pkg.dir, 'node_modules'));
    for (const dev of ['typescript', 'vitest', '@types', 'autocannon', 'fast-check', 'yaml']) expect(installed).not.toContain(dev);
  });
});

describe('installed from the tarball', () => {
  it('`npx semauth --version` prints the version', async () => {
    const r = await run('npx', ['--no-install', 'semauth', '--version'], pkg.dir);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${VERSION}\n`);
    expect(r.code).toBe(0);
  }, 60_000);

  it('`npx semauth server` serves on SQLite, logs its version, and stops when npx gets SIGTERM', async () => {
    const port = await freePort();
    const data = tempDir('semauth-packed-data-');
    const env = cleanEnv({ ...FAST_HASHING_ENV, SEMAPHORE_DB_HOST: join(data, 'semauth.sqlite'), SEMAPHORE_PORT: String(port), SEMAUTH_ADMIN_PASSWORD: 'admin-password-1' });
    const npx = start('npx', ['--no-install', 'semauth', 'server'], pkg.dir, env);
    const url = `http://127.0.0.1:${port}`;
    let pid = 0;
    try {
      await waitForHealth(url, npx.child, npx.output);
      const ready = await http('GET', `${url}/api/ready`);
      expect(ready.status).toBe(200);
      // The web UI travels inside the package and is served at the web root.
      const page = await http('GET', `${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      const started = npx.output().split('\n').find((l) => l.includes('"msg":"semauth listening"'));
      expect(started, npx.output()).toBeDefined();
      const logged = JSON.parse(started!) as { pid: number; version: string };
      pid = logged.pid;
      const version = logged.version;
      expect(version).toBe(VERSION);
      expect(pid).not.toBe(npx.child.pid); // npx runs the server as a grandchild, through a shell

      // SIGTERM to npx, as a supervisor or `kill` would send it: the server must not outlive it.
      npx.child.kill('SIGTERM');
      await npx.exited;
      const deadline = Date.now() + 15_000;
      while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(processAlive(pid), `the server (pid ${pid}) still runs after npx was stopped`).toBe(false);
      await expect(http('GET', `${url}/api/health`, { timeoutMs: 2000, headers: { connection: 'close' } })).rejects.toThrow();
    } finally {
      npx.child.kill('SIGKILL');
      // Never leave an orphaned server behind, even when the test failed.
      if (pid !== 0 && processAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 120_000);

  it("the container image's entry command and health check, from the Dockerfile, run against the install", async () => {
    const docker = parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
    expect(docker.user).toBe('semauth:semauth');
    expect(docker.env.SEMAPHORE_INTERFACE).toBe('0.0.0.0');
    expect(docker.volumes).toEqual(['/var/lib/semauth']);
    expect(docker.env.SEMAPHORE_DB_HOST).toMatch(/^\/var\/lib\/semauth\//);

    // The image's paths mapped onto this machine: the install dir and a data dir.
    const data = tempDir('semauth-image-data-');
    const local = (s: string) => s.replace('/opt/semauth', pkg.dir).replace('/var/lib/semauth', data);
    const command = (argv: string[]) => [argv[0] === 'node' ? process.execPath : argv[0]!, ...argv.slice(1).map(local)] as const;
    const port = await freePort();
    const env = cleanEnv({
      ...Object.fromEntries(Object.entries(docker.env).map(([k, v]) => [k, local(v)])),
      ...FAST_HASHING_ENV,
      // Tests listen on loopback only; inside the container it is 0.0.0.0.
      SEMAPHORE_INTERFACE: '127.0.0.1',
      SEMAPHORE_PORT: String(port),
      SEMAUTH_ADMIN_PASSWORD: 'admin-password-1',
    });
    const [bin, ...args] = command([...docker.entrypoint, ...docker.cmd]);
    const server = start(bin, args, data, env);
    const url = `http://127.0.0.1:${port}`;
    const [hcBin, ...hcArgs] = command(docker.healthcheck);
    try {
      await waitForHealth(url, server.child, server.output);
      const healthy = await run(hcBin, hcArgs, data, env);
      expect(healthy.code, healthy.stderr).toBe(0);
      expect(healthy.stdout).toContain('/api/health: 200');
      // JSON logs, as the image sets them; the SQLite file on the volume.
      expect(server.output()).toMatch(/^\{"level":30,.*"msg":"semauth listening"/m);
      expect(existsSync(join(data, 'semauth.sqlite'))).toBe(true);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const unhealthy = await run(hcBin, hcArgs, data, env);
      expect(unhealthy.code).toBe(1);
      expect(unhealthy.stderr).toMatch(/^semauth: http:\/\/127\.0\.0\.1:\d+\/api\/health: ECONNREFUSED\n$/);
    } finally {
      server.child.kill('SIGKILL');
    }
  }, 120_000);
});
