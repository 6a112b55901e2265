/**
 * Browser-test plumbing: Debian's Chromium driven by playwright-core (never
 * a browser a test tool downloads), an axe-core audit injected into the
 * page, screenshots, and a watch for CSP violations and script errors.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../../server/test/support/server-process.js';

/** Screenshots of every run (git-ignored). */
export const ARTIFACTS_DIR = join(REPO_ROOT, '.tmp', 'web-screenshots');
/** The README's screenshots, rewritten when SEMAUTH_UPDATE_SCREENSHOTS=1. */
const DOCS_IMG_DIR = join(REPO_ROOT, 'docs', 'img');

/** One browser per test file; contexts (one per simulated user) are cheap. */
export async function launchBrowser(): Promise<Browser> {
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
    // Without the background-networking flags Chromium keeps trying to reach Google's hosts.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh, cookie-less user, in a fixed locale and time zone so pages (and screenshots) read the same everywhere. */
export async function newUser(browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 720 }, locale: 'en-US', timezoneId: 'UTC', reducedMotion: 'reduce' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  context.setDefaultTimeout(10_000);
  return context;
}

/**
 * Collects what must never happen on a page: a script error, or anything
 * the Content-Security-Policy refused (an inline script or style, a foreign
 * asset). `problems()` lists them; a test asserts it is empty.
 */
export function watch(page: Page): { problems(): string[] } {
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
