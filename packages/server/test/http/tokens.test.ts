/** GET/POST /api/user/tokens and DELETE /api/user/tokens/{id} (SPEC §1 "API tokens", §3). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/crypto/secrets.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../support/app.js';
import { createToken, http, login } from '../support/http.js';

const RFC3339_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const TOKEN_SHAPE = /^[a-z0-9_=-]{44}$/;
const JSON_EMPTY = { 'content-type': 'application/json', 'content-length': '0' };

let t: TestApp;
let cookie: string;
let bobCookie: string;

beforeAll(async () => {
  t = await startTestApp();
  await t.services.users.add({ login: 'bob', name: 'Bob', email: 'bob@example.com', password: 'bob-password' }, { address: 't', userAgent: null });
  bobCookie = await login(t.api, 'bob', 'bob-password');
});
afterAll(() => t.close());
beforeEach(async () => {
  cookie = await login(t.api, 'admin', ADMIN_PASSWORD);
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const list = async (headers: Record<string, string>, query = '') => http('GET', `${t.api}/user/tokens${query}`, { headers });

describe('POST /api/user/tokens', () => {
  it('creates a Semaphore-shaped token: four fields, whole secret once, exact formats', async () => {
    // Exactly as the seed's client sends it: JSON content type, no body.
    const r = await http('POST', `${t.api}/user/tokens`, { headers: { cookie, ...JSON_EMPTY } });
    expect(r.status).toBe(201);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['cache-control']).toBe('no-store');
    const body = r.json();
    expect(Object.keys(body).sort()).toEqual(['created', 'expired', 'id', 'user_id']);
    expect(body.id).toMatch(TOKEN_SHAPE);
    expect(body.created).toMatch(RFC3339_Z);
    expect(body.expired).toBe(false);
    expect(body.user_id).toBe(1);
  });

  it.each([['no body', undefined], ['{}', '{}'], ['null', 'null']])('accepts %s', async (_n, body) => {
    const r = await http('POST', `${t.api}/user/tokens`, { headers: { cookie }, body });
    expect(r.status).toBe(201);
    expect(Object.keys(r.json())).toHaveLength(4);
  });

  it('adds the extensions only when the body opts in', async () => {
    const expires = new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const r = await http('POST', `${t.api}/user/tokens`, { headers: { cookie }, body: { name: 'ci', expires_at: expires } });
    expect(r.status).toBe(201);
    expect(r.json()).toMatchObject({ name: 'ci', expires_at: expires, last_used_at: null, expired: false });
    const empty = await http('POST', `${t.api}/user/tokens`, { headers: { cookie }, body: { name: null } });
    expect(empty.json()).toMatchObject({ name: '', expires_at: null, last_used_at: null });
    const q = await http('POST', `${t.api}/user/tokens?extended=true`, { headers: { cookie } });
    expect(Object.keys(q.json()).sort()).toEqual(['created', 'expired', 'expires_at', 'id', 'last_used_at', 'name', 'user_id']);
  });

  it.each([
    ['an array body', '[]'],
    ['a string body', '"x"'],
    ['a non-string name', { name: 5 }],
    ['an unparsable expires_at', { expires_at: 'tomorrow' }],
    ['a numeric expires_at', { expires_at: 1234567890 }],
    ['a past expires_at', { expires_at: '2001-01-01T00:00:00Z' }],
    ['malformed JSON', '{"name":'],
  ])('answers 400 for %s', async (_n, body) => {
    const r = await http('POST', `${t.api}/user/tokens`, { headers: { cookie }, body });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json().error).toBeTruthy();
  });

  it.each([
    ['30 February', '2099-02-30T00:00:00Z'],
    ['29 February of a common year', '2099-02-29T00:00:00Z'],
    ['hour 24', '2099-01-01T24:00:00Z'],
    ['a leap second', '2099-06-30T23:59:60Z'],
    ['an offset of 24 hours', '2099-01-01T12:00:00+24:00'],
  ])('refuses an impossible expires_at (%s) with 400 instead of storing another instant', async (_n, expiresAt) => {
    const before = (await http('GET', `${t.api}/user/tokens`, { headers: { cookie } })).json().length;
    const r = await http('POST', `${t.api}/user/tokens`, { headers: { cookie }, body: { name: 'impossible', expires_at: expiresAt } });
    expect(r.status, r.text).toBe(400);
    expect(r.json().code).toBe('INVALID_TOKEN_OPTIONS');
    expect((await http('GET', `${t.api}/user/tokens`, { headers: { cookie } })).json()).toHaveLength(before);
  });

  it('requires authentication', async () => {
    const r = await http('POST', `${t.api}/user/tokens`, { headers: JSON_EMPTY });
    expect(r.status).toBe(401);
    expect(r.json().error).toBeTruthy();
  });
});

describe('GET /api/user/tokens', () => {
  it("lists the caller's live tokens newest first, with 8-character ids and never the secret", async () => {
    const fresh = await login(t.api, 'bob', 'bob-password');
    const first = await createToken(t.api, { cookie: fresh });
    t.clock.advance(2000);
    const second = await createToken(t.api, { cookie: fresh });
    const r = await list({ cookie: fresh });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const ids = r.json().map((x: { id: string }) => x.id);
    expect(ids.slice(0, 2)).toEqual([second.slice(0, 8), first.slice(0, 8)]);
    for (const item of r.json()) {
      expect(Object.keys(item).sort()).toEqual(['created', 'expired', 'id', 'user_id']);
      expect(item.id).toHaveLength(8);
      expect(item.created).toMatch(RFC3339_Z);
      expect(typeof item.user_id).toBe('number');
    }
    expect(r.text).not.toContain(first);
    expect(r.text).not.toContain(second);
  });

  it('answers [] for a user without tokens', async () => {
    await t.services.users.add({ login: 'empty', name: 'E', email: 'empty@example.com', password: 'empty-password' }, { address: 't', userAgent: null });
    const r = await list({ cookie: await login(t.api, 'empty', 'empty-password') });
    expect(r.text).toBe('[]');
  });

  it('shows the extensions with ?extended=true, and last_used_at after use', async () => {
    const token = await createToken(t.api, { cookie }, { name: 'used' });
    expect((await http('GET', `${t.api}/user`, { headers: bearer(token) })).status).toBe(200);
    const item = (await list({ cookie }, '?extended=true')).json().find((x: { id: string }) => x.id === token.slice(0, 8));
    expect(item).toMatchObject({ name: 'used', expires_at: null });
    expect(item.last_used_at).toMatch(RFC3339_Z);
  });

  it('lists expired tokens as expired and refuses them as credentials', async () => {
    const expiresAt = new Date(t.clock() + 3_600_000).toISOString();
    const token = await createToken(t.api, { cookie }, { expires_at: expiresAt });
    expect((await http('GET', `${t.api}/user`, { headers: bearer(token) })).status).toBe(200);
    t.clock.advance(3_600_000);
    expect((await http('GET', `${t.api}/user`, { headers: bearer(token) })).status).toBe(401);
    const fresh = await login(t.api, 'admin', ADMIN_PASSWORD);
    const item = (await list({ cookie: fresh })).json().find((x: { id: string }) => x.id === token.slice(0, 8));
    expect(item.expired).toBe(true);
  });
});

describe('DELETE /api/user/tokens/{api_token_id}', () => {
  const del = (id: string, headers: Record<string, string>) => http('DELETE', `${t.api}/user/tokens/${id}`, { headers });

  it('revokes by whole token, percent-encoded, and the token stops working at once', async () => {
    const token = await createToken(t.api, { cookie });
    expect(token.endsWith('=')).toBe(true);
    const r = await del(encodeURIComponent(token), { cookie, ...JSON_EMPTY });
    expect(r.status).toBe(204);
    expect(r.headers['content-type']).toBe('application/json');
    expect((await http('GET', `${t.api}/user`, { headers: bearer(token) })).status).toBe(401);
    expect((await list({ cookie })).json().map((x: { id: string }) => x.id)).not.toContain(token.slice(0, 8));
    // Idempotent: an Ansible collection fails on a 404 here.
    expect((await del(encodeURIComponent(token), { cookie })).status).toBe(204);
  });

  it('revokes by raw whole token and by 8-character id', async () => {
    const a = await createToken(t.api, { cookie });
    const b = await createToken(t.api, { cookie });
    expect((await del(a, { cookie })).status).toBe(204);
    expect((await del(b.slice(0, 8), bearer(b))).status).toBe(204);
    expect((await http('GET', `${t.api}/user`, { headers: bearer(a) })).status).toBe(401);
    expect((await http('GET', `${t.api}/user`, { headers: bearer(b) })).status).toBe(401);
    expect((await del(b.slice(0, 8), { cookie })).status).toBe(204);
  });

  it("never touches another user's token: 404, and it keeps working", async () => {
    const bobs = await createToken(t.api, { cookie: bobCookie });
    expect((await del(bobs, { cookie })).status).toBe(404);
    expect((await del(bobs.slice(0, 8), { cookie })).status).toBe(404);
    expect((await http('GET', `${t.api}/user`, { headers: bearer(bobs) })).json().username).toBe('bob');
  });

  // SPEC §1: 404 for every id that names none of the caller's tokens, 400 only
  // for ids no system could issue. Real clients read 404 as "already gone".
  it.each([
    ['an unknown 8-character id', 'abcdefgh'],
    ['an unknown whole token', `${'a'.repeat(43)}=`],
    ['a 12-character id (the SDK issue report)', 'zzzzzzzzzzzz'],
    ['a 32-character hex id (semaphoreui-client)', '0123456789abcdef0123456789abcdef'],
    ['a 52-character Semaphore base32 id', 'mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpjqwey3e4vlt'],
    ['a 56-character Semaphore base32 id with padding', 'mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpjqwey3emfrg===='],
    ['the same, percent-encoded', encodeURIComponent('mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpjqwey3emfrg====')],
    ['an upper-case id', 'ABCDEFGHIJ'],
    ['one character', 'a'],
    ['256 characters', 'a'.repeat(256)],
    ['every allowed punctuation ("/" percent-encoded)', 'a.b_c~d=e+f%2Fg-h'],
    ['slashes, percent-encoded', '%2F%2F%2F%2F%2F%2F%2F%2F'],
  ])('answers 404 for %s', async (_n, id) => {
    const r = await del(id, { cookie });
    expect(r.status).toBe(404);
    expect(r.json().code).toBe('TOKEN_NOT_FOUND');
  });

  it.each([
    ['257 characters', 'a'.repeat(257)],
    ['a space', 'abc%20defg'],
    ['a NUL', '%00%00%00%00%00%00%00%00'],
    ['a non-ASCII letter', '%C3%BCnal'],
    ['a quote', "abc'defgh"],
    ['a percent sign, once decoded', 'abcd%25efgh'],
  ])('answers 400 for an id with %s', async (_n, id) => {
    const r = await del(id, { cookie });
    expect(r.status).toBe(400);
    expect(r.json().code).toBe('INVALID_TOKEN_ID');
  });

  it('answers 409 when an 8-character id matches several live tokens', async () => {
    const user = (await http('GET', `${t.api}/user`, { headers: { cookie } })).json();
    for (const n of [1, 2]) {
      await t.storage.tokens.create({ hash: sha256Hex(`dup-${n}`), prefix: 'dupdupdu', userId: user.id, name: '', createdAt: t.clock(), expiresAt: null, lastUsedAt: null, revokedAt: null });
    }
    const r = await del('dupdupdu', { cookie });
    expect(r.status).toBe(409);
    expect(r.json().code).toBe('TOKEN_AMBIGUOUS');
    await t.storage.tokens.revoke(sha256Hex('dup-1'), t.clock());
    expect((await del('dupdupdu', { cookie })).status).toBe(204);
  });

  it('requires authentication', async () => {
    expect((await del('abcdefgh', {})).status).toBe(401);
  });
});
