/**
 * The deployment files of deploy/ and the Dockerfile, checked as far as this
 * machine can: no container engine or systemd runs here (docs/deploy.md says
 * what was not run). The image's entry command itself runs in
 * package.test.ts; here the unit file goes through `systemd-analyze verify`,
 * and the compose file and nginx configuration are checked for the wiring
 * the documentation promises.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir } from '../support/database.js';
import { REPO_ROOT } from '../support/server-process.js';
import { parseDockerfile } from '../support/packed-server.js';

const exec = promisify(execFile);
const DEPLOY = join(REPO_ROOT, 'deploy');
const read = (name: string) => readFileSync(join(DEPLOY, name), 'utf8');

/** `systemd-analyze verify` of a unit file; its complaints go to stderr. */
async function verify(unitPath: string): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await exec('systemd-analyze', ['verify', unitPath], { timeout: 60_000 });
    return { code: 0, stderr };
  } catch (e) {
    const err = e as { code?: number; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stderr: err.stderr ?? String(e) };
  }
}

const hasSystemdAnalyze = existsSync('/usr/bin/systemd-analyze') || existsSync('/bin/systemd-analyze');

describe('deploy/semauth.service', () => {
  const unit = read('semauth.service');

  it('is hardened as docs/deploy.md says', () => {
    for (const line of [
      'DynamicUser=yes',
      'StateDirectory=semauth',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'NoNewPrivileges=yes',
      'CapabilityBoundingSet=',
      'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
      'SystemCallFilter=@system-service',
    ]) {
      expect(unit).toMatch(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
    // node itself, not npx (SIGTERM must reach semauth); the database in the state directory.
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/semauth\/node_modules\/@semauth\/server\/bin\/semauth\.js server$/m);
    expect(unit).toMatch(/^Environment=SEMAPHORE_DB_HOST=\/var\/lib\/semauth\/semauth\.sqlite$/m);
    // systemd must wait longer than semauth's own shutdown deadline (10 s by default).
    expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1])).toBeGreaterThan(10);
  });

  it.skipIf(!hasSystemdAnalyze)('passes systemd-analyze verify, which does catch a broken unit', async () => {
    const dir = tempDir('semauth-unit-');
    const good = join(dir, 'semauth.service');
    copyFileSync(join(DEPLOY, 'semauth.service'), good);
    const result = await verify(good);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const bad = join(dir, 'broken.service');
    writeFileSync(bad, unit.replace('ProtectSystem=strict', 'ProtectSytem=strict'));
    const broken = await verify(bad);
    expect(broken.stderr).toMatch(/Unknown key '?ProtectSytem'?/);
  }, 60_000);
});

describe('deploy/compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<string, { image?: string; build?: unknown; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; ports?: string[]; volumes?: string[]; stop_grace_period?: string }>;
  };

  it('runs PostgreSQL, two semauth instances on the same database, and a proxy in front of both', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'proxy', 'semauth-a', 'semauth-b']);
    const [a, b] = [compose.services['semauth-a']!, compose.services['semauth-b']!];
    expect(a.environment).toEqual(b.environment);
    expect(a.environment).toMatchObject({ SEMAPHORE_DB_DIALECT: 'postgres', SEMAPHORE_DB_HOST: 'postgres:5432', SEMAUTH_TRUST_PROXY: '1' });
    expect(a.depends_on?.postgres?.condition).toBe('service_healthy');
    // Only the proxy is published.
    expect(compose.services.proxy!.ports).toEqual(['8080:80']);
    for (const name of ['semauth-a', 'semauth-b', 'postgres']) expect(compose.services[name]!.ports).toBeUndefined();
    expect(compose.services.proxy!.volumes).toEqual(['./nginx.conf:/etc/nginx/conf.d/default.conf:ro']);
    // Longer than semauth's shutdown deadline, or docker's SIGKILL would cut it.
    expect(a.stop_grace_period).toBe('20s');
  });

  it("every semauth setting in it is one semauth knows", async () => {
    const { settings } = await import('../../src/config/schema.js');
    const known = new Set(Object.values(settings).flatMap((s) => s.env));
    for (const name of Object.keys(compose.services['semauth-a']!.environment!)) expect(known.has(name), name).toBe(true);
  });
});

describe('deploy/nginx.conf', () => {
  const conf = read('nginx.conf');

  it('sends every request to both instances, with the headers semauth trusts from one proxy', () => {
    expect(conf).toMatch(/server semauth-a:3000/);
    expect(conf).toMatch(/server semauth-b:3000/);
    for (const header of ['X-Forwarded-For $proxy_add_x_forwarded_for', 'X-Forwarded-Proto $scheme', 'X-Request-Id $request_id']) {
      expect(conf).toContain(`proxy_set_header ${header};`);
    }
    // Instances draining on shutdown answer 503: the request goes to the other one.
    expect(conf).toMatch(/proxy_next_upstream error timeout http_503;/);
  });
});

describe('Dockerfile', () => {
  it('builds in stages, runs as a non-root user on node:20-slim, keeps SQLite on a volume, and checks its health', () => {
    const text = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/^ARG NODE_IMAGE=node:20-slim$/m);
    expect(text.match(/^FROM /gm)).toHaveLength(3);
    const runtime = parseDockerfile(text);
    expect(runtime.user).toBe('semauth:semauth');
    expect(runtime.volumes).toEqual(['/var/lib/semauth']);
    expect(runtime.env).toMatchObject({ SEMAPHORE_INTERFACE: '0.0.0.0', SEMAPHORE_DB_HOST: '/var/lib/semauth/semauth.sqlite' });
    expect(runtime.healthcheck.slice(-1)).toEqual(['healthcheck']);
    expect(runtime.entrypoint[0]).toBe('node');
  });
});
