/**
 * The sessions page on the real server's sessions routes (GET /user/sessions,
 * DELETE /user/sessions/{id}, DELETE /user/sessions), with one user signed
 * in from two browsers (two contexts) and from scripts: every session
 * listed, this one first and marked; another ended after a confirmation —
 * and that browser signed out on its next action; all others ended at once;
 * the same with the keyboard alone; this one ended, which signs out. Only
 * an older server's missing route is played by the test (a 404), to show
 * the page's notice for it. SQLite only, like the other browser tests.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { http, login } from '../../../server/test/support/http.js';
import { accessibilityViolations, ADMIN_PASSWORD, focused, screenshot, signIn, tabTo, useBrowser, useServer, type BrowserUser } from '../support/browser.js';

const ui = useBrowser();
const server = useServer();
const api = (path: string) => `${server.url}/api${path}`;

/** A user of its own, so that only this file's sessions are listed. */
const USER = { username: 'roaming', name: 'Roaming User', email: 'roaming@example.org', password: 'roaming-password-1' };
/** The second browser says it is Firefox on Windows; the first is the test's Chromium, as it is. */
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

/** The browser the tests act in, and the one whose session it ends. */
let here: BrowserUser;
let laptop: BrowserUser;

beforeAll(async () => {
  const admin = await login(api(''), 'admin', ADMIN_PASSWORD);
  const created = await http('POST', api('/users'), { headers: { cookie: admin, 'content-type': 'application/json' }, body: USER });
  expect(created.status).toBe(201);
});

/** Signs `user` in on the sessions page and waits for the list. */
async function signInToSessions(user: BrowserUser): Promise<void> {
  await user.page.goto(`${server.url}/sessions`);
  await signIn(user.page, USER.username, USER.password);
  await user.page.getByRole('heading', { name: 'Your sessions' }).waitFor();
}

/** A session of a script (no browser), with the User-Agent it sends; its cookie. */
const scriptSignIn = (userAgent: string) => login(api(''), USER.username, USER.password, { 'user-agent': userAgent });
const statusOf = async (cookie: string) => (await http('GET', api('/user'), { headers: { cookie } })).status;

const cards = (page: Page) => page.getByRole('list', { name: 'Your sessions' }).getByRole('listitem');
const card = (page: Page, text: string | RegExp) => cards(page).filter({ hasText: text });

describe('the sessions page', () => {
  let script: string;

  it('lists every session of the account, this one first and marked, with address, times and browser', async () => {
    laptop = await ui.user(server.url, { userAgent: FIREFOX });
    await signInToSessions(laptop);
    script = await scriptSignIn('curl/8.11.1');
    here = await ui.user(server.url);
    await signInToSessions(here);
    const { page } = here;

    expect(await cards(page).count()).toBe(3);
    const mine = cards(page).first();
    expect(await mine.getByText('This session').count()).toBe(1);
    expect(await mine.locator('.card-title').textContent()).toMatch(/^Chrome \d+ on Linux This session$/);
    // This one can be ended too, and says it signs out; the others are "End session".
    expect(await mine.getByRole('button').allTextContents()).toEqual(['End and sign out']);
    expect(await page.getByText('This session').count()).toBe(1);

    const firefox = card(page, 'Firefox 133 on Windows');
    expect(await firefox.getByRole('button').allTextContents()).toEqual(['End session']);
    expect(await firefox.getByText('127.0.0.1').count()).toBe(1);
    // The short name on screen, the whole User-Agent in the page: in the accessibility tree and on hover.
    expect(await firefox.ariaSnapshot()).toContain(FIREFOX);
    expect(await firefox.getByTitle(FIREFOX).textContent()).toBe(FIREFOX);
    // Signed in, last active, expires: exact UTC values in <time datetime>, shown in words.
    const [signedIn, lastActive, expires] = await Promise.all([0, 1, 2].map(async (i) => Date.parse((await firefox.locator('time').nth(i).getAttribute('datetime')) ?? '')));
    expect(Date.now() - signedIn!).toBeLessThan(5 * 60_000);
    expect(lastActive).toBeGreaterThanOrEqual(signedIn! - 60_000);
    expect(expires).toBeGreaterThan(Date.now());
    expect(await card(page, 'curl/8.11.1').count()).toBe(1);

    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sessions', { docs: true, fullPage: true });
  });

  it('ends another session only after confirmation; that browser is signed out on its next action', async () => {
    const { page } = here;
    const firefox = card(page, 'Firefox 133 on Windows');
    const dialog = page.getByRole('dialog', { name: 'End this session?' });
    await firefox.getByRole('button', { name: 'End session' }).click();
    expect(await dialog.getByText('The session of Firefox 133 on Windows at 127.0.0.1 ends at once').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sessions-end-confirmation');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await cards(page).count()).toBe(3);

    await firefox.getByRole('button', { name: 'End session' }).click();
    await dialog.getByRole('button', { name: 'End session' }).click();
    await page.getByRole('status').filter({ hasText: 'The session of Firefox 133 on Windows has ended.' }).waitFor();
    await firefox.waitFor({ state: 'detached' });
    expect(await cards(page).count()).toBe(2);

    // The laptop's page still shows its list; the next thing it does finds the session gone.
    await laptop.page.getByRole('link', { name: 'API tokens' }).click();
    await laptop.page.waitForURL(`${server.url}/auth/login?next=tokens`);
    await laptop.page.getByRole('status').filter({ hasText: 'Your session has ended. Sign in again.' }).waitFor();
    expect(await statusOf(script)).toBe(200);
  });

  it('ends all other sessions at once and keeps this one', async () => {
    await signIn(laptop.page, USER.username, USER.password);
    await laptop.page.waitForURL(`${server.url}/tokens`);
    const { page } = here;
    await page.reload();
    await page.getByRole('heading', { name: 'Your sessions' }).waitFor();
    expect(await cards(page).count()).toBe(3);

    await page.getByRole('button', { name: 'End all other sessions' }).click();
    const dialog = page.getByRole('dialog', { name: 'End all other sessions?' });
    expect(await dialog.getByText('This session stays signed in, and your API tokens keep working.').count()).toBe(1);
    await dialog.getByRole('button', { name: 'End other sessions' }).click();
    await page.getByRole('status').filter({ hasText: 'All other sessions have ended.' }).waitFor();
    await page.getByText('You are signed in nowhere else.').waitFor();
    expect(await cards(page).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'End all other sessions' }).count()).toBe(0);

    expect(await statusOf(script)).toBe(401);
    await laptop.page.getByRole('link', { name: 'Sessions' }).click();
    await laptop.page.waitForURL(`${server.url}/auth/login?next=sessions`);
    await laptop.page.getByRole('status').filter({ hasText: 'Your session has ended. Sign in again.' }).waitFor();
    await page.reload();
    await page.getByText('You are signed in nowhere else.').waitFor();
  });

  it('ends a session with the keyboard alone, the focus always shown and never lost', async () => {
    const elsewhere = await scriptSignIn('python-requests/2.32.3');
    const { page } = here;
    await page.reload();
    await card(page, 'python-requests/2.32.3').waitFor();

    await tabTo(page, (f) => f.text === 'End session');
    expect((await focused(page)).outline).toBe('solid 3px');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'End this session?' });
    await dialog.waitFor();
    // Cancel first, so a stray Enter destroys nothing; Escape closes and gives the focus back.
    // Polled: the page moves the focus a moment after the dialog or the message appears.
    await expect.poll(async () => (await focused(page)).text).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(async () => (await focused(page)).text).toBe('End session');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await expect.poll(async () => (await focused(page)).text).toBe('Cancel');
    await page.keyboard.press('Shift+Tab');
    await expect.poll(async () => (await focused(page)).text).toBe('End session');
    expect((await focused(page)).outline).toBe('solid 3px');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'The session of python-requests/2.32.3 has ended.' }).waitFor();
    // The ended session's button is gone: the list's heading has the focus.
    await expect.poll(async () => (await focused(page)).text).toBe('Your sessions');
    expect(await statusOf(elsewhere)).toBe(401);
  });

  it('says so when the server has no sessions API (an older semauth answers 404)', async () => {
    const { page } = here;
    await page.route(api('/user/sessions'), (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: 'Route GET:/api/user/sessions not found', code: 'ROUTE_NOT_FOUND' }) }),
    );
    await page.reload();
    await page.getByRole('heading', { name: 'Sessions not available on this server' }).waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.unrouteAll();
  });

  it('ends this session too, after saying that it signs you out', async () => {
    const { page, context } = here;
    await page.reload();
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    expect(await statusOf(cookie)).toBe(200);

    await cards(page).first().getByRole('button', { name: 'End and sign out' }).click();
    const dialog = page.getByRole('dialog', { name: 'End this session and sign out?' });
    expect(await dialog.getByText('ending it signs you out of this browser').count()).toBe(1);
    await dialog.getByRole('button', { name: 'End and sign out' }).click();
    await page.waitForURL(`${server.url}/auth/login`);
    await page.getByRole('status').filter({ hasText: 'You have signed out.' }).waitFor();
    expect(await context.cookies()).toEqual([]);
    expect(await statusOf(cookie)).toBe(401);
  });
});
