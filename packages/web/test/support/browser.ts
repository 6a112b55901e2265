/**
 * Browser-test plumbing: Debian's Chromium driven by playwright-core (never
 * a browser a test tool downloads), one per test file with a context per
 * simulated user (useBrowser), the semauth it talks to (useServer), an
 * axe-core audit injected into the page, screenshots, and a watch for CSP
 * violations and script errors.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { REPO_ROOT, startServerProcess, type ServerProcess, type ServerProcessOptions } from '../../../server/test/support/server-process.js';

/** The first admin's password on every server these tests start. */
export const ADMIN_PASSWORD = 'admin-password-1';

/** Screenshots of every run (git-ignored). */
export const ARTIFACTS_DIR = join(REPO_ROOT, '.tmp', 'web-screenshots');
/** The README's screenshots, rewritten when SEMAUTH_UPDATE_SCREENSHOTS=1. */
const DOCS_IMG_DIR = join(REPO_ROOT, 'docs', 'img');

/** One browser per test file; contexts (one per simulated user) are cheap. */
async function launchBrowser(): Promise<Browser> {
  let executablePath: string;
  try {
    // Installs Debian's chromium when missing and root (CI); says how otherwise.
    executablePath = execFileSync('bash', [join(REPO_ROOT, 'scripts', 'ensure-chromium.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    throw new Error(`No Chromium for the browser tests: ${String((error as { stderr?: unknown }).stderr ?? error)}`);
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      // Without the background-networking flags Chromium keeps trying to reach Google's hosts.
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Pages under test are on 127.0.0.1; no host name resolves, so nothing a page (the test
      // OpenID provider's imports a web font) asks of the Internet leaves the machine.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}

/** A simulated user: a browser context of their own with one page, watched (see watch()). */
export interface BrowserUser {
  context: BrowserContext;
  page: Page;
  /** Script errors and CSP refusals on this user's page so far. */
  problems(): string[];
}

export interface BrowserSuite {
  /** A new user for pages at `origin`; closed when the file's tests end (or earlier with `context.close()`). */
  user(origin: string, options?: BrowserContextOptions): Promise<BrowserUser>;
}

/**
 * One Chromium for the test file, from its first test to its last. Call at
 * the top of the file, before useServer(): the browser starts while the
 * server does. When the file ends, every user it opened is closed and
 * asserted to have met no script error and no CSP refusal.
 */
export function useBrowser(): BrowserSuite {
  let launching: Promise<Browser> | undefined;
  const users: BrowserUser[] = [];
  beforeAll(() => {
    launching = launchBrowser();
    // Handled here so an early failure is no unhandled rejection; user() reports it.
    launching.catch(() => undefined);
  });
  afterAll(async () => {
    const problems = users.flatMap((u) => u.problems());
    await Promise.all(users.map((u) => u.context.close()));
    await (await launching?.catch(() => undefined))?.close();
    expect(problems).toEqual([]);
  });
  return {
    async user(origin, options) {
      if (launching === undefined) throw new Error('useBrowser().user() is for tests and their hooks');
      const context = await newUser(await launching, origin, options);
      const page = await context.newPage();
      const user = { context, page, problems: watch(page).problems };
      users.push(user);
      return user;
    },
  };
}

/** A semauth process for the test file (or the describe block it is called in), started before its tests and stopped after. */
export function useServer(options: ServerProcessOptions = {}): { readonly url: string; readonly process: ServerProcess } {
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    server = await startServerProcess({ ...options, env: { SEMAUTH_ADMIN_PASSWORD: ADMIN_PASSWORD, ...options.env } });
  });
  afterAll(async () => {
    await server?.stop();
  });
  const started = (): ServerProcess => {
    if (server === undefined) throw new Error('useServer(): the server starts in beforeAll');
    return server;
  };
  return {
    get url() {
      return started().url;
    },
    get process() {
      return started();
    },
  };
}

/** Fills the sign-in page's password form and submits it. */
export async function signIn(page: Page, login = 'admin', password = ADMIN_PASSWORD): Promise<void> {
  await page.getByLabel('Username or e-mail').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A fresh, cookie-less user, in a fixed locale and time zone so pages (and screenshots) read the same everywhere. */
async function newUser(browser: Browser, origin: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 720 }, locale: 'en-US', timezoneId: 'UTC', reducedMotion: 'reduce', ...options });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  context.setDefaultTimeout(10_000);
  return context;
}

/**
 * Collects what must never happen on a page: a script error, or anything
 * the Content-Security-Policy refused (an inline script or style, a foreign
 * asset). `problems()` lists them; a test asserts it is empty.
 */
function watch(page: Page): { problems(): string[] } {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return { problems: () => [...problems] };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core (WCAG 2.x A/AA rules and best practices) on the page as it
 * is now and returns its serious and critical violations, described. axe
 * is evaluated through the DevTools protocol, which the page's CSP does not
 * govern; the page itself never gets an inline script.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(() => {
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations);
  })) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/**
 * Saves a screenshot as a test artifact, and as the README's picture when
 * SEMAUTH_UPDATE_SCREENSHOTS=1 (shrunk by Debian's pngquant when installed).
 */
export async function screenshot(page: Page, name: string, options: { docs?: boolean; fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const png = await page.screenshot({ path: join(ARTIFACTS_DIR, `${name}.png`), animations: 'disabled', caret: 'hide', fullPage: options.fullPage ?? false });
  if (options.docs && process.env.SEMAUTH_UPDATE_SCREENSHOTS === '1') {
    mkdirSync(DOCS_IMG_DIR, { recursive: true });
    const target = join(DOCS_IMG_DIR, `web-${name}.png`);
    writeFileSync(target, png);
    if (existsSync('/usr/bin/pngquant')) execFileSync('/usr/bin/pngquant', ['--quality=70-90', '--speed=1', '--force', '--output', target, target]);
  }
}

/** The element that has the keyboard focus: its tag, accessible-ish name, and whether its focus ring shows. */
export function focused(page: Page): Promise<{ tag: string; text: string; label: string; outline: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (el === null) return { tag: '', text: '', label: '', outline: '' };
    const style = getComputedStyle(el);
    const label = el.id ? (document.querySelector(`label[for="${el.id}"]`)?.textContent ?? '') : '';
    return { tag: el.tagName.toLowerCase(), text: (el.textContent ?? '').trim(), label: el.getAttribute('aria-label') ?? label, outline: `${style.outlineStyle} ${style.outlineWidth}` };
  });
}

/** Presses Tab (or `key`) until `match` holds for the focused element, at most `max` times: proves it is reachable by keyboard. */
export async function tabTo(page: Page, match: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 30, key = 'Tab'): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    if (match(await focused(page))) return;
  }
  throw new Error(`not reached with ${max} presses of ${key}; focus is on ${JSON.stringify(await focused(page))}`);
}
