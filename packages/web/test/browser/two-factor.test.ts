/**
 * Two-factor sign-in in a real browser against a real `semauth server` with
 * TOTP on: enrol from the two-factor page (the key read off the page, the
 * code computed here from RFC 6238), sign in with a code and with a
 * recovery code, turn it off — and, on a server that requires it, being
 * sent to set it up. SQLite only, like the other browser tests.
 */
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ok as cli } from '../../../server/test/cli/run.js';
import { http, login } from '../../../server/test/support/http.js';
import type { ServerProcess } from '../../../server/test/support/server-process.js';
import { totpCode } from '../../../server/test/support/totp.js';
import { ADMIN_PASSWORD, accessibilityViolations, screenshot, signIn as signInOn, useBrowser, useServer } from '../support/browser.js';

const TOTP_ENV = { SEMAPHORE_TOTP_ENABLED: 'true', SEMAUTH_SECRET_KEY: randomBytes(32).toString('base64') };

const ui = useBrowser();
const server = useServer({ env: TOTP_ENV });
let page: Page;
/** A new browser user on `origin`: `page` is theirs. */
async function newVisitor(origin: string): Promise<void> {
  ({ page } = await ui.user(origin));
}

let seq = 0;
/** A new user made by the admin through the API; its login is its password's prefix. */
async function addUser(on: ServerProcess): Promise<{ login: string; password: string }> {
  const admin = await login(`${on.url}/api`, 'admin', ADMIN_PASSWORD);
  const name = `twofactor${++seq}`;
  const body = { username: name, name: `Two Factor ${seq}`, email: `${name}@example.org`, password: `${name}-password-1` };
  const r = await http('POST', `${on.url}/api/users`, { headers: { cookie: admin, 'content-type': 'application/json' }, body });
  expect(r.status, r.text).toBe(201);
  return { login: name, password: body.password };
}

const signIn = (user: { login: string; password: string }) => signInOn(page, user.login, user.password);

/** Turns TOTP on from the two-factor page; returns the key shown and the recovery codes. */
async function enrolThroughThePage(): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const qr = page.getByRole('img', { name: 'QR code holding your two-factor secret' });
  await qr.waitFor();
  expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  const secret = await page.getByLabel('Or enter this key by hand').inputValue();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel('Code from the app').fill(totpCode(secret, Date.now()));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
  const recoveryCodes = (await page.getByLabel('Recovery codes').inputValue()).split('\n');
  return { secret, recoveryCodes };
}

describe('two-factor sign-in (the real routes)', () => {
  it('enrols with a code computed in the test, then signs in with it; a wrong code is refused', async () => {
    const user = await addUser(server.process);
    await newVisitor(server.url);
    await page.goto(`${server.url}/two-factor`);
    await signIn(user);
    await page.getByRole('heading', { name: 'Two-factor authentication is off' }).waitFor();
    const { secret, recoveryCodes } = await enrolThroughThePage();
    expect(recoveryCodes).toHaveLength(10);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByRole('heading', { name: 'Two-factor authentication is on' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username or e-mail').waitFor();
    await page.goto(`${server.url}/tokens`);
    await signIn(user);
    const code = page.getByLabel('Authentication code');
    await code.waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-totp', { docs: true });
    await code.fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: 'That code is not valid.' }).waitFor();
    // The next step's code: the one that confirmed the enrolment is spent (a code counts once).
    await code.fill(totpCode(secret, Date.now(), 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${server.url}/tokens`);
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
  });

  it('signs in with a recovery code instead, and turns two-factor off after confirmation', async () => {
    const user = await addUser(server.process);
    await newVisitor(server.url);
    await page.goto(`${server.url}/two-factor`);
    await signIn(user);
    await page.getByRole('heading', { name: 'Two-factor authentication is off' }).waitFor();
    const { recoveryCodes } = await enrolThroughThePage();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username or e-mail').waitFor();

    await page.goto(`${server.url}/two-factor`);
    await signIn(user);
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!.toUpperCase());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Two-factor authentication is on' }).waitFor();
    await screenshot(page, 'two-factor', { docs: true });

    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    await page.getByRole('dialog', { name: 'Turn off two-factor authentication?' }).getByRole('button', { name: 'Turn off' }).click();
    await page.getByRole('status').filter({ hasText: 'Two-factor authentication is off.' }).waitFor();
    await page.getByRole('heading', { name: 'Two-factor authentication is off' }).waitFor();
  });
});

describe('a server that requires two-factor sign-in', () => {
  const strict = useServer({ env: { ...TOTP_ENV, SEMAUTH_TOTP_REQUIRED: 'all' } });

  it('sends a user without it to set it up, and lets them on once it is on', async () => {
    // The administrator has no TOTP either, so is held to setting it up: the operator adds the user.
    const user = { login: 'required1', password: 'required1-password-1' };
    await cli(['user', 'add', '--login', user.login, '--name', 'Required', '--email', 'required1@example.org', '--password', user.password], { env: strict.process.env });
    await newVisitor(strict.url);
    await page.goto(`${strict.url}/tokens`);
    await signIn(user);
    await page.waitForURL(`${strict.url}/two-factor?required`);
    await page.getByText('This server requires it for your account:').waitFor();
    await enrolThroughThePage();
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await page.getByText('You have no API tokens.').waitFor();
  });
});
