/**
 * The web UI with the keyboard alone (SPEC §12): sign in, create a token,
 * copy it, open and cancel the revoke dialog with Escape, revoke, sign out —
 * every control reached with Tab, each one showing a visible focus ring.
 * SQLite only, like the other browser tests.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { http } from '../../../server/test/support/http.js';
import { ADMIN_PASSWORD, focused, tabTo, useBrowser, useServer } from '../support/browser.js';

const ui = useBrowser();
const server = useServer();
let page: Page;
let problems: () => string[];
beforeAll(async () => {
  ({ page, problems } = await ui.user(server.url));
});

/** A keyboard user must see where they are: a solid outline of 3 px (styles.css). */
async function expectFocusRing(): Promise<void> {
  expect((await focused(page)).outline).toBe('solid 3px');
}

describe('with the keyboard alone', () => {
  it('signs in from the first field the page focuses', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Username or e-mail').waitFor();
    expect((await focused(page)).label).toBe('Username or e-mail');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    expect((await focused(page)).label).toBe('Password');
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/tokens`);
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
  });

  it('offers a skip link first on a fresh page, which moves the focus to the page', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Your tokens' }).waitFor();
    await page.keyboard.press('Tab');
    const skip = await focused(page);
    expect(skip.text).toBe('Skip to main content');
    await expectFocusRing();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('creates a token and copies it', async () => {
    await tabTo(page, (f) => f.label === 'Name');
    await expectFocusRing();
    await page.keyboard.type('keyboard token');
    await tabTo(page, (f) => f.text === 'Create token');
    await expectFocusRing();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your new token “keyboard token”' }).waitFor();
    // The panel's heading has the focus, so the warning is read next. (Polled, here and below:
    // the page moves the focus a moment after what it waits for appears.)
    await expect.poll(async () => (await focused(page)).text).toBe('Your new token “keyboard token”');
    await tabTo(page, (f) => f.text === 'Copy', 3);
    await expectFocusRing();
    await page.keyboard.press('Enter');
    await page.getByText('Copied to the clipboard.').waitFor();
    const token = await page.evaluate(() => navigator.clipboard.readText());
    expect((await http('GET', `${server.url}/api/user`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('opens the revoke dialog on Cancel, closes it with Escape back on its button, then revokes', async () => {
    await tabTo(page, (f) => f.label.startsWith('Revoke token “keyboard token”'));
    await expectFocusRing();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Revoke this token?' });
    await dialog.waitFor();
    await expect.poll(async () => (await focused(page)).text).toBe('Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(async () => (await focused(page)).label).toMatch(/^Revoke token “keyboard token”/);

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await expect.poll(async () => (await focused(page)).text).toBe('Cancel');
    await page.keyboard.press('Shift+Tab');
    await expect.poll(async () => (await focused(page)).text).toBe('Revoke token');
    await expectFocusRing();
    await page.keyboard.press('Enter');
    await page.getByText('You have no API tokens.').waitFor();
    // The revoked row's button is gone: the focus is on the list's heading, not lost.
    await expect.poll(async () => (await focused(page)).text).toBe('Your tokens');
  });

  it('signs out', async () => {
    await tabTo(page, (f) => f.text === 'Sign out', 30, 'Shift+Tab');
    await expectFocusRing();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.url}/auth/login`);
    await page.getByText('You have signed out.').waitFor();
  });

  it('broke no Content-Security-Policy rule and threw no script error', () => {
    expect(problems()).toEqual([]);
  });
});
