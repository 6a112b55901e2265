/**
 * SEMAUTH_SEMAPHORE_UI_COMPAT: the marker cookie that lets Semaphore's own web
 * UI see that it is signed in (it looks for `semaphore=` in document.cookie,
 * which never shows the HttpOnly session cookie). On: a second, secret-free
 * cookie after the session cookie, cleared on logout and once the session
 * has ended, never a credential. Off: the wire is exactly as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { http, login, type HttpResponse } from '../support/http.js';

const JSON_CT = { 'content-type': 'application/json' };
const LIFE_HOURS = 2;
let on: TestApp;
let off: TestApp;

beforeAll(async () => {
  [on, off] = await Promise.all([
    // A trusted proxy, so that one app can answer over "HTTPS" (X-Forwarded-Proto) and plain HTTP.
    startTestApp({ env: { SEMAUTH_SEMAPHORE_UI_COMPAT: 'true', SEMAUTH_TRUST_PROXY: 'true', SEMAUTH_SESSION_IDLE_HOURS: '1', SEMAUTH_MAX_SESSION_LIFE_HOURS: String(LIFE_HOURS) } }),
    startTestApp(),
  ]);
});
afterAll(async () => {
  await Promise.all([on?.close(), off?.close()]);
});

function postLogin(t: TestApp, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return http('POST', `${t.api}/auth/login`, { headers: { ...JSON_CT, ...headers }, body: { auth: 'admin', password: ADMIN_PASSWORD } });
}

function setCookies(r: HttpResponse): string[] {
  return r.headers['set-cookie'] ?? [];
}

/** `name=value` and the attributes of a Set-Cookie line. */
function parse(line: string): { pair: string; attrs: string[] } {
  const [pair, ...attrs] = line.split('; ');
  return { pair: pair!, attrs };
}

function me(t: TestApp, cookie: string): Promise<HttpResponse> {
  return http('GET', `${t.api}/user`, { headers: { cookie } });
}

describe('SEMAUTH_SEMAPHORE_UI_COMPAT=true', () => {
  it('a login sets the session cookie first, then the marker: secret-free, readable by script, same lifetime', async () => {
    const r = await postLogin(on);
    expect(r.status).toBe(204);
    const lines = setCookies(r);
    expect(lines).toHaveLength(2);
    const session = parse(lines[0]!);
    const marker = parse(lines[1]!);
    expect(session.pair).toMatch(/^semaphore=[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{32}$/);
    expect(session.attrs).toEqual(['Path=/', `Max-Age=${LIFE_HOURS * 3600}`, 'HttpOnly', 'SameSite=Lax']);
    expect(marker.pair).toBe('ui_semaphore=1');
    expect(marker.attrs).toEqual(['Path=/', `Max-Age=${LIFE_HOURS * 3600}`, 'SameSite=Lax']);
    // What the UI tests: its document.cookie (the marker alone) contains "semaphore=".
    expect(marker.pair.includes('semaphore=')).toBe(true);
  });

  it('marks both cookies Secure when the session cookie is', async () => {
    const lines = setCookies(await postLogin(on, { 'x-forwarded-proto': 'https' }));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(parse(line).attrs).toContain('Secure');
    expect(parse(lines[0]!).attrs).toContain('HttpOnly');
    expect(parse(lines[1]!).attrs).not.toContain('HttpOnly');
  });

  it('the cookie lifetime is the session lifetime the server keeps', async () => {
    const r = await postLogin(on);
    const value = parse(setCookies(r)[0]!).pair.slice('semaphore='.length);
    const row = await on.storage.sessions.findById(value.split('.')[0]!);
    expect(row!.expiresAt - row!.createdAt).toBe(LIFE_HOURS * 3_600_000);
    for (const line of setCookies(r)) expect(parse(line).attrs).toContain(`Max-Age=${(row!.expiresAt - on.clock()) / 1000}`);
  });

  it('the marker never authenticates, whatever value it carries', async () => {
    const session = await login(on.api, 'admin', ADMIN_PASSWORD);
    const value = session.slice('semaphore='.length);
    for (const cookie of ['ui_semaphore=1', `ui_semaphore=${value}`, `ui_semaphore=${value}; other=1`, `xsemaphore=${value}`]) {
      const r = await me(on, cookie);
      expect(r.status, cookie).toBe(401);
      expect(r.json().code).toBe('UNAUTHENTICATED');
    }
  });

  it('the session cookie authenticates beside the marker, in either order, as pairs or echoed Set-Cookie lines', async () => {
    const lines = setCookies(await postLogin(on));
    const [session, marker] = lines.map((l) => parse(l).pair);
    for (const cookie of [
      `${marker}; ${session}`,
      `${session}; ${marker}`,
      `ui_semaphore=garbage; ${session}`,
      `${lines[0]}, ${lines[1]}`, // a client that joins all Set-Cookie lines with ", "
      `${lines[1]}, ${lines[0]}`,
    ]) {
      const r = await me(on, cookie);
      expect(r.status, cookie).toBe(200);
      expect(r.headers['set-cookie'], cookie).toBeUndefined();
    }
  });

  it('logout clears both cookies, the session cookie first', async () => {
    const lines = setCookies(await postLogin(on));
    const cookie = lines.map((l) => parse(l).pair).join('; ');
    const r = await http('POST', `${on.api}/auth/logout`, { headers: { ...JSON_CT, cookie } });
    expect(r.status).toBe(204);
    const cleared = setCookies(r).map(parse);
    expect(cleared.map((c) => c.pair)).toEqual(['semaphore=', 'ui_semaphore=']);
    for (const c of cleared) {
      expect(c.attrs).toEqual(expect.arrayContaining(['Path=/', 'Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'SameSite=Lax']));
    }
    expect(cleared[0]!.attrs).toContain('HttpOnly');
    expect(cleared[1]!.attrs).not.toContain('HttpOnly');
    expect((await me(on, cookie)).status).toBe(401);
  });

  it('once the session has ended, the 401 clears the marker the UI still holds', async () => {
    const cookie = setCookies(await postLogin(on)).map((l) => parse(l).pair).join('; ');
    expect((await me(on, cookie)).status).toBe(200);
    on.clock.advance(3_600_000 + 1000); // past the idle lifetime
    const r = await me(on, cookie);
    expect(r.status).toBe(401);
    expect(setCookies(r)).toHaveLength(1);
    expect(parse(setCookies(r)[0]!).pair).toBe('ui_semaphore=');
    expect(parse(setCookies(r)[0]!).attrs).toContain('Max-Age=0');
    // A marker with no session at all is cleared the same way; a request without it gets no cookie.
    expect(parse(setCookies(await me(on, 'ui_semaphore=1'))[0]!).pair).toBe('ui_semaphore=');
    expect((await http('GET', `${on.api}/user`)).headers['set-cookie']).toBeUndefined();
  });
});

describe('SEMAUTH_SEMAPHORE_UI_COMPAT off (the default)', () => {
  it('a login sets exactly one cookie, the session cookie; logout clears only it', async () => {
    const r = await postLogin(off);
    expect(r.status).toBe(204);
    expect(setCookies(r)).toHaveLength(1);
    expect(parse(setCookies(r)[0]!).pair).toMatch(/^semaphore=/);
    const cookie = parse(setCookies(r)[0]!).pair;
    const out = await http('POST', `${off.api}/auth/logout`, { headers: { ...JSON_CT, cookie } });
    expect(setCookies(out)).toHaveLength(1);
    expect(parse(setCookies(out)[0]!).pair).toBe('semaphore=');
  });

  it('never touches a marker cookie a client sends, and the marker authenticates nothing', async () => {
    const session = await login(off.api, 'admin', ADMIN_PASSWORD);
    const r = await me(off, `ui_semaphore=${session.slice('semaphore='.length)}`);
    expect(r.status).toBe(401);
    expect(r.headers['set-cookie']).toBeUndefined();
    expect((await me(off, `ui_semaphore=1; ${session}`)).status).toBe(200);
  });
});
