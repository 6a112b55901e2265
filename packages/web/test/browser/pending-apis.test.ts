/**
 * The parts of the UI written against routes the server does not have yet:
 * OIDC buttons and failure reasons (GET /auth/login's `oidc_providers`,
 * `?error=`). The server is real; only those routes are answered by the
 * test, in the shapes the specification gives them, with Playwright's
 * request routing. When the server grows a route, its stub here gives way
 * to the real thing, as the sessions list and two-factor sign-in
 * (two-factor.test.ts) already have. SQLite only, like the other browser tests.
 */
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { http, login } from '../../../server/test/support/http.js';
import { startServerProcess, type ServerProcess } from '../../../server/test/support/server-process.js';
import { accessibilityViolations, launchBrowser, newUser, screenshot, watch } from '../support/browser.js';

const ADMIN_PASSWORD = 'admin-password-1';

let browser: Browser;
let server: ServerProcess;
let context: BrowserContext;
let page: Page;
let problems: () => string[];
beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startServerProcess({ env: { SEMAUTH_ADMIN_PASSWORD: ADMIN_PASSWORD } })]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
beforeEach(async () => {
  context = await newUser(browser, server.url);
  page = await context.newPage();
  problems = watch(page).problems;
});
afterEach(async () => {
  expect(problems()).toEqual([]);
  await context?.close();
});

const api = (path: string) => `${server.url}/api${path}`;
const json = (route: Route, status: number, body: unknown) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });

/** GET /auth/login as a server with OIDC providers and TOTP answers it. */
async function signInOptions(options: Record<string, unknown>): Promise<void> {
  await page.route(api('/auth/login'), (route) =>
    route.request().method() === 'GET'
      ? json(route, 200, { oidc_providers: [], login_with_password: true, auth_methods: { totp: { enabled: true, allow_recovery: true } }, ...options })
      : route.fallback(),
  );
}

async function signIn(user = 'admin', password = ADMIN_PASSWORD): Promise<void> {
  await page.getByLabel('Username or e-mail').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('OIDC sign-in', () => {
  it('shows one button per provider, leading to the provider with the page to come back to', async () => {
    await signInOptions({ oidc_providers: [{ id: 'corp', name: 'Corp SSO', color: '#336699', icon: 'login' }] });
    await page.goto(`${server.url}/auth/login?next=sessions`);
    const button = page.getByRole('link', { name: 'Sign in with Corp SSO' });
    expect(await button.getAttribute('href')).toBe(`${server.url}/api/auth/oidc/corp/login?redirect=%2Fsessions`);
    expect(await page.getByLabel('Password').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-oidc');
  });

  it('offers the providers alone when password sign-in is off', async () => {
    await signInOptions({ login_with_password: false, oidc_providers: [{ id: 'corp', name: 'Corp SSO', color: '', icon: '' }] });
    await page.goto(`${server.url}/auth/login`);
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
  });

  it('explains the reason a failed sign-in comes back with, at the root or on the sign-in page', async () => {
    await page.goto(`${server.url}/?error=oidc_unavailable`);
    await page.waitForURL(`${server.url}/auth/login?error=oidc_unavailable`);
    await page.getByRole('alert').filter({ hasText: 'Your identity provider could not be reached.' }).waitFor();
    await page.goto(`${server.url}/auth/login?error=oidc_conflict`);
    await page.getByRole('alert').filter({ hasText: 'an account here with the same e-mail address or username is not linked to it' }).waitFor();
    await page.goto(`${server.url}/auth/login?error=${encodeURIComponent('<b>odd</b> reason')}`);
    await page.getByRole('alert').filter({ hasText: 'Signing in failed (boddbreason).' }).waitFor();
  });
});

describe('sessions (the real routes)', () => {
  it('marks this session, ends another after confirmation, on the server', async () => {
    // A user of its own, so that no other test's sessions are listed.
    const admin = await login(`${server.url}/api`, 'admin', ADMIN_PASSWORD);
    const body = { username: 'roaming', name: 'Roaming User', email: 'roaming@example.org', password: 'roaming-password-1' };
    expect((await http('POST', api('/users'), { headers: { cookie: admin, 'content-type': 'application/json' }, body })).status).toBe(201);
    // Signed in elsewhere, as another browser would be.
    const elsewhere = await login(`${server.url}/api`, 'roaming', body.password, { 'user-agent': 'Firefox on Windows' });

    await page.goto(`${server.url}/sessions`);
    await signIn('roaming', body.password);
    const other = page.getByRole('listitem').filter({ hasText: 'Firefox on Windows' });
    const mine = page.getByRole('listitem').filter({ hasText: 'This session' });
    await other.waitFor();
    expect(await mine.count()).toBe(1);
    expect(await mine.getByRole('button').count()).toBe(0);
    expect(await other.getByText('127.0.0.1').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sessions-list');

    await other.getByRole('button', { name: 'End session' }).click();
    await page.getByRole('dialog', { name: 'End this session?' }).getByRole('button', { name: 'End' }).click();
    await page.getByRole('status').filter({ hasText: 'The session has ended.' }).waitFor();
    await page.getByText('You are signed in nowhere else.').waitFor();
    expect(await page.getByText('Firefox on Windows').count()).toBe(0);
    expect((await http('GET', api('/user'), { headers: { cookie: elsewhere } })).status).toBe(401);
  });
});
