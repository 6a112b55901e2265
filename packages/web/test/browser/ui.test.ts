/**
 * The web UI in a real browser (Debian's Chromium through playwright-core)
 * against a real `semauth server` process: sign in, a wrong password, create
 * / copy / use / revoke a token, sign out — at the web root and again under
 * SEMAPHORE_WEB_ROOT=/semaphore — plus keyboard-only use and an axe-core
 * audit of every page (no serious or critical violation).
 *
 * SQLite only (no `@dialects` tag): the browser exercises the pages, and the
 * API under them is covered on both dialects by packages/server/test/http.
 * Screenshots land in .tmp/web-screenshots/; SEMAUTH_UPDATE_SCREENSHOTS=1
 * also rewrites the README's docs/img/web-*.png.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { http } from '../../../server/test/support/http.js';
import { accessibilityViolations, ADMIN_PASSWORD, focused, screenshot, useBrowser, useServer } from '../support/browser.js';

const ui = useBrowser();

async function expectAccessible(page: Page): Promise<void> {
  expect(await accessibilityViolations(page)).toEqual([]);
}

describe.each([{ root: '' }, { root: '/semaphore' }])('served at "$root/"', ({ root }) => {
  /** Only the web-root run audits and photographs each page; the sub-path run proves the same flows work there. */
  const audit = root === '';
  const server = useServer(root ? { env: { SEMAPHORE_WEB_ROOT: root } } : {});
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let problems: () => string[];
  let token = '';

  beforeAll(async () => {
    base = `${server.url}${root}`;
    ({ context, page, problems } = await ui.user(server.url));
  });

  it('sends a visitor to the sign-in page, says when the password is wrong, then signs in', async () => {
    await page.goto(`${base}/tokens`);
    await page.waitForURL(`${base}/auth/login?next=tokens`);
    const login = page.getByLabel('Username or e-mail');
    await login.waitFor();
    expect(await page.title()).toBe('Sign in · semauth');
    if (audit) {
      await expectAccessible(page);
      await screenshot(page, 'sign-in', { docs: true });
    }

    await login.fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'Incorrect username or password.' }).waitFor();
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    expect((await focused(page)).label).toBe('Password');
    if (audit) {
      await expectAccessible(page);
      await screenshot(page, 'sign-in-error');
    }

    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/tokens`);
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    expect(await page.getByText('Signed in as').textContent()).toContain('Administrator');
  });

  it('creates a token with a name and an expiry, shows it once, and the copied value works on the API', async () => {
    await page.getByLabel('Name').fill('CI deploys');
    await page.getByLabel('Expires').selectOption({ label: '7 days' });
    await page.getByRole('button', { name: 'Create token' }).click();

    const panel = page.getByRole('region', { name: 'Your new token “CI deploys”' });
    await panel.waitFor();
    expect(await panel.textContent()).toContain('Copy it now: it will not be shown again.');
    const shown = await panel.getByLabel('Token').inputValue();
    expect(shown).toMatch(/^[a-z0-9_=-]{44}$/);
    await panel.getByRole('button', { name: 'Copy' }).click();
    await panel.getByText('Copied to the clipboard.').waitFor();
    token = await page.evaluate(() => navigator.clipboard.readText());
    expect(token).toBe(shown);

    // The list: name, the 8-character id, an expiry 7 days out, never used yet.
    const row = page.getByRole('row').filter({ hasText: 'CI deploys' });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(1).textContent()).toBe(token.slice(0, 8));
    const expires = await row.locator('td:nth-child(4) time').getAttribute('datetime');
    const days = (Date.parse(expires!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    expect(await row.getByRole('cell').nth(4).textContent()).toBe('Never used');
    if (audit) {
      await expectAccessible(page);
      await screenshot(page, 'tokens', { docs: true, fullPage: true });
    }

    const me = await http('GET', `${server.url}${root}/api/user`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(me.json().username).toBe('admin');
  });

  it('lists the token after a reload, used, and never shows its secret again', async () => {
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: 'CI deploys' });
    await row.waitFor();
    expect(await row.getByRole('cell').nth(4).textContent()).not.toBe('Never used');
    expect(await row.locator('td:nth-child(5) time').count()).toBe(1);
    expect(await page.content()).not.toContain(token);
  });

  it('revokes the token only after confirmation, and the API refuses it at once', async () => {
    const revoke = page.getByRole('button', { name: `Revoke token “CI deploys” (${token.slice(0, 8)})` });
    await revoke.click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this token?' });
    await dialog.waitFor();
    if (audit) {
      await expectAccessible(page);
      await screenshot(page, 'revoke-confirmation');
    }
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await http('GET', `${server.url}${root}/api/user`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    await revoke.click();
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await page.getByRole('status').filter({ hasText: `Revoked token “CI deploys” (${token.slice(0, 8)}).` }).waitFor();
    await page.getByText('You have no API tokens.').waitFor();
    expect((await http('GET', `${server.url}${root}/api/user`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('lists this browser’s session on the sessions page, and shows the two-factor page as not available on this server', async () => {
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.waitForURL(`${base}/sessions`);
    await page.getByRole('heading', { name: 'Your sessions' }).waitFor();
    const mine = page.getByRole('listitem').filter({ hasText: 'This session' });
    expect(await mine.count()).toBe(1);
    expect(await mine.getByText('127.0.0.1').count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Sessions' }).getAttribute('aria-current')).toBe('page');
    if (audit) {
      await expectAccessible(page);
      // The README's picture of this page, with sessions elsewhere too, is sessions.test.ts's.
      await screenshot(page, 'sessions-alone');
    }
    await page.getByRole('link', { name: 'Two-factor' }).click();
    await page.waitForURL(`${base}/two-factor`);
    await page.getByRole('heading', { name: 'Two-factor authentication not available on this server' }).waitFor();
    if (audit) {
      await expectAccessible(page);
      await screenshot(page, 'two-factor-off');
    }
    await page.goBack();
    await page.waitForURL(`${base}/sessions`);
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
  });

  it('shows "Page not found" for an address that is no page, even one named like a built-in property', async () => {
    for (const path of ['no/such/page', 'constructor']) {
      await page.goto(`${base}/${path}`);
      await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
    }
    await page.getByRole('link', { name: 'Go to your API tokens' }).click();
    await page.waitForURL(`${base}/tokens`);
  });

  it('signs out: the sign-in page says so and the pages need a new sign-in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/auth/login`);
    await page.getByRole('status').filter({ hasText: 'You have signed out.' }).waitFor();
    expect(await context.cookies()).toEqual([]);
    await page.goto(`${base}/tokens`);
    await page.waitForURL(`${base}/auth/login?next=tokens`);
    await page.getByLabel('Username or e-mail').waitFor();
  });

  it('broke no Content-Security-Policy rule and threw no script error on the way', () => {
    expect(problems()).toEqual([]);
  });
});
