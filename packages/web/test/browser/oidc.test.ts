/**
 * OIDC sign-in in a real browser: semauth configured with a real OpenID
 * provider on loopback (oidc-provider, the server tests' test provider),
 * the sign-in page's button for it, the provider's own (development) login
 * and consent pages, and back in the UI signed in, on the page asked for.
 * A sign-in cancelled at the provider comes back with its `?error=`
 * reason, which the sign-in page explains; so does any other reason. With
 * password sign-in off, the providers are all the page offers.
 * SQLite only, like the other browser tests.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../server/test/support/app.js';
import { startOidcApp, startTestProvider, type TestProvider } from '../../../server/test/support/oidc-provider.js';
import { accessibilityViolations, screenshot, useBrowser } from '../support/browser.js';

const ui = useBrowser();
let idp: TestProvider;
/** semauth with the provider as `oidc_providers.idp`, beside password sign-in. */
let app: TestApp;
/** The same, with password sign-in off. */
let providersOnly: TestApp;

beforeAll(async () => {
  idp = await startTestProvider();
  idp.addAccount({ sub: 'alice', email: 'alice@example.org', email_verified: true, preferred_username: 'alice', name: 'Alice Liddell' });
  const provider = { display_name: 'Example SSO', color: '#336699', name_claim: 'name' };
  [app, providersOnly] = await Promise.all([startOidcApp(idp, { provider }), startOidcApp(idp, { provider, env: { SEMAPHORE_PASSWORD_LOGIN_DISABLED: 'true' } })]);
});
afterAll(async () => {
  await Promise.all([app?.close(), providersOnly?.close()]);
  await idp?.close();
});

/** The provider's development login page: any password does for a known account. */
async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.waitForURL((url) => url.origin === idp.issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

describe('OIDC sign-in in the browser', () => {
  it('goes through the provider’s login and consent pages and lands on the page asked for, signed in', async () => {
    const { page, context } = await ui.user(app.origin);
    await page.goto(`${app.origin}/sessions`);
    await page.waitForURL(`${app.origin}/auth/login?next=sessions`);
    const button = page.getByRole('link', { name: 'Sign in with Example SSO' });
    // The page to come back to travels as a path under the web root.
    expect(await button.getAttribute('href')).toBe(`${app.origin}/api/auth/oidc/idp/login?redirect=%2Fsessions`);
    expect(await page.getByLabel('Password').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-oidc');

    await button.click();
    await signInAtProvider(page, 'alice');
    // Consent: the provider asks whether semauth may have the profile and e-mail.
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL(`${app.origin}/sessions`);
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    expect(await page.getByText('Signed in as').textContent()).toBe('Signed in as Alice Liddell');
    const mine = page.getByRole('list', { name: 'Your sessions' }).getByRole('listitem').filter({ hasText: 'This session' });
    expect(await mine.getByText('127.0.0.1').count()).toBe(1);
    expect((await context.cookies(app.origin)).some((c) => c.name === 'semaphore' && c.httpOnly)).toBe(true);
  });

  it('comes back to the sign-in page with the reason when the sign-in is cancelled at the provider', async () => {
    const { page, context } = await ui.user(app.origin);
    await page.goto(`${app.origin}/auth/login`);
    await page.getByRole('link', { name: 'Sign in with Example SSO' }).click();
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.getByRole('link', { name: '[ Cancel ]' }).click();

    await page.waitForURL(`${app.origin}/auth/login?error=oidc_denied`);
    await page.getByRole('alert').filter({ hasText: 'Your identity provider did not sign you in.' }).waitFor();
    // Nobody is signed in, and both ways to sign in are offered again.
    await page.getByLabel('Password').waitFor();
    expect(await page.getByRole('link', { name: 'Sign in with Example SSO' }).count()).toBe(1);
    expect((await context.cookies(app.origin)).filter((c) => c.name === 'semaphore')).toEqual([]);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-oidc-cancelled');
  });

  it('explains the reason a failed sign-in comes back with, at the root or on the sign-in page', async () => {
    const { page } = await ui.user(app.origin);
    await page.goto(`${app.origin}/?error=oidc_unavailable`);
    await page.waitForURL(`${app.origin}/auth/login?error=oidc_unavailable`);
    await page.getByRole('alert').filter({ hasText: 'Your identity provider could not be reached.' }).waitFor();
    await page.goto(`${app.origin}/auth/login?error=oidc_conflict`);
    await page.getByRole('alert').filter({ hasText: 'an account here with the same e-mail address or username is not linked to it' }).waitFor();
    await page.goto(`${app.origin}/auth/login?error=${encodeURIComponent('<b>odd</b> reason')}`);
    await page.getByRole('alert').filter({ hasText: 'Signing in failed (boddbreason).' }).waitFor();
  });

  it('offers the providers alone when password sign-in is off, and signs in through them', async () => {
    const { page } = await ui.user(providersOnly.origin);
    await page.goto(`${providersOnly.origin}/`);
    const button = page.getByRole('link', { name: 'Sign in with Example SSO' });
    await button.waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);

    await button.click();
    await signInAtProvider(page, 'alice');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${providersOnly.origin}/tokens`);
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
  });
});
