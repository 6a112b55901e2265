import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from './support/app.js';
import { http, login } from './support/http.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('smoke', () => {
  it('logs in and reads the user', async () => {
    const cookie = await login(t.api, 'admin', ADMIN_PASSWORD);
    const r = await http('GET', `${t.api}/user`, { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(r.json().username).toBe('admin');
  });
});
