/**
 * The web UI as the server serves it (SPEC §12): index.html and the built
 * assets at the web root (or under SEMAPHORE_WEB_ROOT's path), the security
 * headers on every page, client-side addresses that survive a reload — and
 * the API's answers exactly as they were. Uses the real build in
 * packages/server/dist/web (`npm run build`); the browser tests in
 * packages/web/test drive the pages themselves.
 */
import { request } from 'node:http';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultWebUiDir, loadWebUi } from '../../src/http/web-ui/files.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { http, type HttpResponse } from '../support/http.js';

/** GET with the body as bytes (the shared helper decodes text). */
function getBytes(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** The URLs of index.html's scripts, styles and icons, relative to its <base href>. */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
}

function expectPageHeaders(r: { headers: Record<string, unknown> }) {
  const csp = String(r.headers['content-security-policy']);
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(r.headers['x-frame-options']).toBe('DENY');
  expect(r.headers['referrer-policy']).toBe('same-origin');
  expect(r.headers['x-content-type-options']).toBe('nosniff');
}

/** What the API answers for a path it does not have: the same with or without the UI. */
function expectApiNotFound(r: HttpResponse) {
  expect(r.status).toBe(404);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.headers['cache-control']).toBe('no-store');
  expect(r.headers['content-security-policy']).toBeUndefined();
  expect(r.json()).toEqual({ error: 'Not found.', code: 'ROUTE_NOT_FOUND' });
}

beforeAll(() => {
  const dir = defaultWebUiDir();
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir}/index.html is missing: run \`npm run build\` first`);
});

describe('at the web root', () => {
  let t: TestApp;
  let index: HttpResponse;
  beforeAll(async () => {
    t = await startTestApp();
    index = await http('GET', `${t.origin}/`);
  });
  afterAll(() => t.close());

  it('serves index.html with the security headers, revalidated on each visit', () => {
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expectPageHeaders(index);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.text).toContain('<base href="/">');
  });

  it('has no inline script, style or event handler (the CSP would block them)', () => {
    const scripts = [...index.text.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toMatch(/\ssrc="\.\/assets\//);
    expect(index.text).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=|javascript:/i);
    expect(index.text).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
  });

  it('serves the same page for the UI’s own addresses, so they survive a reload', async () => {
    for (const path of ['/tokens', '/auth/login?next=tokens', '/sessions/', '/two-factor', '/some/unknown/page']) {
      const r = await http('GET', `${t.origin}${path}`);
      expect(r.status, path).toBe(200);
      expect(r.text, path).toBe(index.text);
      expectPageHeaders(r);
    }
  });

  it('serves every asset index.html names, cached for good, gzipped on request', async () => {
    const assets = assetsOf(index.text);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const plain = await getBytes(`${t.origin}/${asset}`);
      expect(plain.status, asset).toBe(200);
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expectPageHeaders(plain);
      const type = asset.endsWith('.js') ? 'text/javascript; charset=utf-8' : asset.endsWith('.css') ? 'text/css; charset=utf-8' : 'image/svg+xml';
      expect(plain.headers['content-type']).toBe(type);

      const zipped = await getBytes(`${t.origin}/${asset}`, { 'accept-encoding': 'br, gzip;q=0.8' });
      if (zipped.headers['content-encoding'] === 'gzip') expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
      else expect(zipped.body.equals(plain.body)).toBe(true);
      if (asset.endsWith('.js')) expect(zipped.headers['content-encoding']).toBe('gzip');

      const refused = await getBytes(`${t.origin}/${asset}`, { 'accept-encoding': 'gzip;q=0' });
      expect(refused.headers['content-encoding']).toBeUndefined();
    }
  });

  it('answers 304 to a browser that has the current index.html', async () => {
    const r = await http('GET', `${t.origin}/tokens`, { headers: { 'if-none-match': String(index.headers.etag) } });
    expect(r.status).toBe(304);
    expect(r.text).toBe('');
  });

  it('keeps the API’s answers as they were: JSON 404 under /api, no page headers, never cached', async () => {
    for (const path of ['/api', '/api/', '/api/nope', '/api/user/tokens/a/b', '/api/tokens']) expectApiNotFound(await http('GET', `${t.origin}${path}`));
    const ping = await http('GET', `${t.api}/ping`);
    expect(ping.text).toBe('pong');
    expect(ping.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(ping.headers['cache-control']).toBe('no-store');
    expect(ping.headers['content-security-policy']).toBeUndefined();
    const user = await http('GET', `${t.api}/user`);
    expect(user.status).toBe(401);
    expect(user.headers['content-type']).toBe('application/json');
    expect(user.headers['cache-control']).toBe('no-store');
    // A known API path with another method is still a 405, not the page.
    expect((await http('GET', `${t.api}/auth/logout`)).status).toBe(405);
  });

  it('answers 404 for files that are not there, and no path reaches another file', async () => {
    for (const path of ['/assets/nope.js', '/favicon.ico', '/robots.txt', '/assets/..%2F..%2Fpackage.json', '/assets/%2e%2e%2findex.html', '/../package.json', '/%2e%2e/%2e%2e/package.json']) {
      const r = await http('GET', `${t.origin}${path}`);
      expect([400, 404], path).toContain(r.status);
      expect(r.headers['content-type'], path).toBe('application/json');
      expect(r.text, path).not.toContain('"name"');
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const r = await http('HEAD', `${t.origin}/tokens`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expectPageHeaders(r);
    expect(r.text).toBe('');
  });
});

describe('under SEMAPHORE_WEB_ROOT=/semaphore', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SEMAPHORE_WEB_ROOT: '/semaphore' } });
  });
  afterAll(() => t.close());

  it('serves the UI under the prefix, with its <base href> there', async () => {
    for (const path of ['/semaphore', '/semaphore/', '/semaphore/tokens', '/semaphore/auth/login']) {
      const r = await http('GET', `${t.origin}${path}`);
      expect(r.status, path).toBe(200);
      expectPageHeaders(r);
      expect(r.text).toContain('<base href="/semaphore/">');
    }
    const index = await http('GET', `${t.origin}/semaphore/`);
    for (const asset of assetsOf(index.text)) expect((await http('GET', `${t.origin}/semaphore/${asset}`)).status, asset).toBe(200);
  });

  it('serves nothing outside the prefix, and the API only under it', async () => {
    for (const path of ['/', '/tokens', '/api/ping']) expectApiNotFound(await http('GET', `${t.origin}${path}`));
    const index = await http('GET', `${t.origin}/semaphore/`);
    expect((await http('GET', `${t.origin}/${assetsOf(index.text)[0]}`)).status).toBe(404);
    expect((await http('GET', `${t.api}/ping`)).text).toBe('pong');
    expectApiNotFound(await http('GET', `${t.api}/nope`));
  });
});

describe('without a built UI', () => {
  it('serves the API alone, and / is the API’s 404', async () => {
    const t = await startTestApp({ webUiDir: mkdtempSync(join(tmpdir(), 'semauth-no-ui-')) });
    try {
      expectApiNotFound(await http('GET', `${t.origin}/`));
      expect((await http('GET', `${t.api}/ping`)).text).toBe('pong');
    } finally {
      await t.close();
    }
  });
});

describe('where the server finds the UI', () => {
  it('inside its own package, wherever that package is installed', async () => {
    // The compiled server as an installed copy would hold it: package.json beside dist/ (with dist/web).
    const installed = mkdtempSync(join(tmpdir(), 'semauth-installed-'));
    try {
      const built = join(defaultWebUiDir(), '..');
      cpSync(built, join(installed, 'node_modules', '@semauth', 'server', 'dist'), { recursive: true });
      writeFileSync(join(installed, 'node_modules', '@semauth', 'server', 'package.json'), '{"name":"@semauth/server","type":"module"}');
      const files = join(installed, 'node_modules', '@semauth', 'server', 'dist', 'http', 'web-ui', 'files.js');
      const copy = (await import(pathToFileURL(files).href)) as { defaultWebUiDir(): string; loadWebUi: typeof loadWebUi };
      expect(copy.defaultWebUiDir()).toBe(join(installed, 'node_modules', '@semauth', 'server', 'dist', 'web'));
      const ui = copy.loadWebUi(copy.defaultWebUiDir(), '/semaphore');
      expect('missing' in ui).toBe(false);
    } finally {
      rmSync(installed, { recursive: true, force: true });
    }
  });
});
