/**
 * Self-service sessions (SPEC §11): GET /user/sessions, DELETE
 * /user/sessions/{id}, DELETE /user/sessions — what is listed (and never
 * a secret), whose sessions can be ended, and ending the current one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { addAccount, JSON_CT, signIn, tokenOf, whoamiStatus } from '../support/accounts.js';
import { http, login, type HttpResponse } from '../support/http.js';

const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const sessions = (headers: Record<string, string>) => http('GET', `${t.api}/user/sessions`, { headers });
const end = (id: string, headers: Record<string, string>) => http('DELETE', `${t.api}/user/sessions/${id}`, { headers: { ...JSON_CT, ...headers } });
const endOthers = (headers: Record<string, string>) => http('DELETE', `${t.api}/user/sessions/`, { headers: { ...JSON_CT, ...headers } });
/** The public id of a `semaphore=<id>.<secret>` cookie. */
const idOf = (cookie: string) => cookie.slice('semaphore='.length).split('.')[0]!;
const secretOf = (cookie: string) => cookie.split('.')[1]!;

function expectError(r: HttpResponse, status: number, code: string): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.json()).toMatchObject({ error: expect.any(String), code });
}

describe('GET /user/sessions', () => {
  it('lists the live sessions newest first, with where they signed in, the current one marked, and no secret', async () => {
    const a = await addAccount(t);
    const older = await signIn(t, a, { 'user-agent': 'Firefox/128 on Linux' });
    t.clock.advance(1000);
    const newer = await signIn(t, a, { 'user-agent': 'curl/8.5' });
    const r = await sessions({ cookie: older });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const list = r.json();
    expect(list.map((s: { id: string }) => s.id)).toEqual([idOf(newer), idOf(older)]);
    for (const s of list) {
      expect(Object.keys(s).sort()).toEqual(['address', 'created', 'current', 'expires', 'id', 'last_active', 'user_agent']);
      for (const k of ['created', 'last_active', 'expires']) expect(s[k]).toMatch(RFC3339_Z);
      expect(s.address).toBe('127.0.0.1');
    }
    expect(list[0]).toMatchObject({ user_agent: 'curl/8.5', current: false });
    expect(list[1]).toMatchObject({ user_agent: 'Firefox/128 on Linux', current: true });
    // The earlier of the idle limit (7 days from last use) and the absolute lifetime (30 days).
    expect(Date.parse(list[0].expires) - Date.parse(list[0].last_active)).toBe(t.config.sessionIdleHours * 3_600_000);
    for (const cookie of [older, newer]) expect(r.text).not.toContain(secretOf(cookie));
  });

  it('shows only the caller’s own sessions; with an API token none is current', async () => {
    const a = await addAccount(t);
    const b = await addAccount(t);
    const mine = await signIn(t, a);
    const theirs = await signIn(t, b);
    const token = await tokenOf(t, a);
    const list = (await sessions({ authorization: token })).json();
    expect(list.map((s: { id: string }) => s.id)).toContain(idOf(mine));
    expect(list.map((s: { id: string }) => s.id)).not.toContain(idOf(theirs));
    expect(list.every((s: { current: boolean }) => !s.current)).toBe(true);
  });

  it('keeps a User-Agent short and free of control characters, and leaves it null when none was sent', async () => {
    const a = await addAccount(t);
    // An 8-bit CSI (C1 control, which header values may carry): a terminal would obey it.
    const cookie = await signIn(t, a, { 'user-agent': `evil\u009b2J${'x'.repeat(1000)}` });
    const bare = await signIn(t, a);
    const list = (await sessions({ cookie })).json();
    const shown = list.find((s: { id: string }) => s.id === idOf(cookie)).user_agent as string;
    expect(shown).toHaveLength(256);
    expect(shown).toMatch(/^evil\S*\?2Jxxx/);
    expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(list.find((s: { id: string }) => s.id === idOf(bare)).user_agent).toBeNull();
  });

  it('lists no ended session', async () => {
    const a = await addAccount(t);
    const kept = await signIn(t, a);
    const loggedOut = await signIn(t, a);
    expect((await http('POST', `${t.api}/auth/logout`, { headers: { cookie: loggedOut } })).status).toBe(204);
    expect((await sessions({ cookie: kept })).json().map((s: { id: string }) => s.id)).toEqual([idOf(kept)]);
  });

  it('is 401 without credentials', async () => {
    expectError(await sessions({}), 401, 'UNAUTHENTICATED');
  });
});

describe('DELETE /user/sessions/{id}', () => {
  it('ends one of the caller’s sessions at once (204), audited', async () => {
    const a = await addAccount(t);
    const mine = await signIn(t, a);
    const lost = await signIn(t, a);
    const r = await end(idOf(lost), { cookie: mine });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(await whoamiStatus(t, { cookie: lost })).toBe(401);
    expect(await whoamiStatus(t, { cookie: mine })).toBe(200);
    const entry = (await t.storage.audit.query({ userId: a.id })).find((e) => e.event === 'session.ended');
    expect(entry?.detail).toEqual({ session_id: idOf(lost), actor: a.id });
  });

  it('answers 404 for anything but one of the caller’s live sessions, and never ends someone else’s', async () => {
    const a = await addAccount(t);
    const b = await addAccount(t);
    const mine = await signIn(t, a);
    const theirs = await signIn(t, b);
    const ended = await signIn(t, a);
    expect((await end(idOf(ended), { cookie: mine })).status).toBe(204);
    for (const id of [idOf(theirs), idOf(ended), 'AAAAAAAAAAAAAAAA', 'x', '%00', '%E2%80%AE', encodeURIComponent(theirs), 'a'.repeat(5000)]) {
      expectError(await end(id, { cookie: mine }), 404, 'SESSION_NOT_FOUND');
    }
    expect(await whoamiStatus(t, { cookie: theirs })).toBe(200);
  });

  it('ending the current session signs it out as a logout does: its cookie is cleared', async () => {
    const a = await addAccount(t);
    const cookie = await signIn(t, a);
    const r = await end(idOf(cookie), { cookie });
    expect(r.status).toBe(204);
    expect(r.headers['set-cookie']).toEqual([expect.stringMatching(/^semaphore=; Path=\/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/)]);
    expect(await whoamiStatus(t, { cookie })).toBe(401);
  });

  it('refuses a cookie-authenticated request from another origin (CSRF), ending nothing', async () => {
    const a = await addAccount(t);
    const mine = await signIn(t, a);
    const other = await signIn(t, a);
    expectError(await end(idOf(other), { cookie: mine, origin: 'https://evil.example' }), 403, 'CROSS_ORIGIN_REQUEST');
    expectError(await endOthers({ cookie: mine, origin: 'https://evil.example' }), 403, 'CROSS_ORIGIN_REQUEST');
    expect(await whoamiStatus(t, { cookie: other })).toBe(200);
  });
});

describe('DELETE /user/sessions', () => {
  it('ends every session but the current one', async () => {
    const a = await addAccount(t);
    const mine = await signIn(t, a);
    const others = [await signIn(t, a), await signIn(t, a)];
    const r = await endOthers({ cookie: mine });
    expect(r.status).toBe(204);
    expect(r.headers['set-cookie']).toBeUndefined();
    for (const cookie of others) expect(await whoamiStatus(t, { cookie })).toBe(401);
    expect(await whoamiStatus(t, { cookie: mine })).toBe(200);
    expect((await sessions({ cookie: mine })).json().map((s: { id: string }) => s.id)).toEqual([idOf(mine)]);
    const entry = (await t.storage.audit.query({ userId: a.id })).find((e) => e.event === 'session.ended');
    expect(entry?.detail).toEqual({ sessions_revoked: 2, actor: a.id });
  });

  it('with an API token (no current session), ends them all; the token stays', async () => {
    const a = await addAccount(t);
    const cookies = [await signIn(t, a), await signIn(t, a)];
    const token = await tokenOf(t, a);
    expect((await endOthers({ authorization: `Bearer ${token}` })).status).toBe(204);
    for (const cookie of cookies) expect(await whoamiStatus(t, { cookie })).toBe(401);
    expect((await sessions({ authorization: token })).json()).toEqual([]);
  });
});

describe("with Semaphore's web UI marker cookie (SEMAUTH_SEMAPHORE_UI_COMPAT)", () => {
  it('ending the current session clears the marker too, as logout does; ending another does not', async () => {
    const ui = await startTestApp({ env: { SEMAUTH_SEMAPHORE_UI_COMPAT: 'true' } });
    try {
      const first = await login(ui.api, 'admin', ADMIN_PASSWORD);
      const second = await login(ui.api, 'admin', ADMIN_PASSWORD);
      const other = await http('DELETE', `${ui.api}/user/sessions/${idOf(second)}`, { headers: { cookie: `${first}; ui_semaphore=1` } });
      expect(other.status).toBe(204);
      expect(other.headers['set-cookie']).toBeUndefined();
      const current = await http('DELETE', `${ui.api}/user/sessions/${idOf(first)}`, { headers: { cookie: `${first}; ui_semaphore=1` } });
      expect(current.status).toBe(204);
      const cleared = current.headers['set-cookie']!;
      expect(cleared).toHaveLength(2);
      expect(cleared[0]).toMatch(/^semaphore=; Path=\/; Max-Age=0;/);
      expect(cleared[1]).toMatch(/^ui_semaphore=; Path=\/; Max-Age=0;/);
    } finally {
      await ui.close();
    }
  });
});

describe('expiry', () => {
  it('a session past its idle limit is no longer listed, and cannot be ended (404)', async () => {
    const clocked = await startTestApp();
    try {
      const idle = await login(clocked.api, 'admin', ADMIN_PASSWORD);
      clocked.clock.advance(clocked.config.sessionIdleHours * 3_600_000 - 60_000);
      const fresh = await login(clocked.api, 'admin', ADMIN_PASSWORD);
      clocked.clock.advance(120_000);
      const list = (await http('GET', `${clocked.api}/user/sessions`, { headers: { cookie: fresh } })).json();
      expect(list.map((s: { id: string }) => s.id)).toEqual([idOf(fresh)]);
      expect((await http('DELETE', `${clocked.api}/user/sessions/${idOf(idle)}`, { headers: { cookie: fresh } })).status).toBe(404);
    } finally {
      await clocked.close();
    }
  });
});
