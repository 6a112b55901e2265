/**
 * The frame around every page: a skip link, the header with the navigation
 * and the signed-in user, and the main region the pages render into. After
 * each navigation the page's heading takes the focus and the document title
 * changes, so keyboard and screen-reader users know a new page is there.
 */
import type { Account } from './api/index.js';
import { h, replaceChildren } from './dom.js';
import type { Router } from './router.js';

/** The pages in the navigation, in order. */
export const NAV = [
  { path: 'tokens', label: 'API tokens' },
  { path: 'sessions', label: 'Sessions' },
  { path: 'two-factor', label: 'Two-factor' },
] as const;

export interface View {
  /** Document title prefix, e.g. "API tokens". */
  title: string;
  content: HTMLElement;
  /** Who is signed in; without it the header shows no navigation. */
  account?: Account;
  /** The current page's path, marked in the navigation. */
  current?: string;
}

export interface Shell {
  show(view: View): void;
}

export function createShell(router: Router, onSignOut: () => void): Shell {
  const accountArea = h('div', { class: 'account' });
  const nav = h('nav', { class: 'nav', 'aria-label': 'Main' });
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const header = h(
    'header',
    { class: 'header' },
    h('div', { class: 'header-inner' }, h('a', { class: 'brand', href: router.href('') }, 'semauth'), nav, accountArea),
  );
  const skip = h('a', { class: 'skip-link', href: '#main', onclick: (e: MouseEvent) => (e.preventDefault(), main.focus()) }, 'Skip to main content');
  document.body.replaceChildren(skip, header, main);

  let first = true;
  return {
    show(view) {
      document.title = `${view.title} · semauth`;
      renderNav(nav, router, view);
      renderAccount(accountArea, view.account, onSignOut);
      replaceChildren(main, view.content);
      // Not on the first page of a visit: there the browser starts at the top anyway.
      if (!first) focusHeading(main);
      first = false;
    },
  };
}

function renderNav(nav: HTMLElement, router: Router, view: View): void {
  if (view.account === undefined) {
    nav.hidden = true;
    replaceChildren(nav);
    return;
  }
  nav.hidden = false;
  const items = NAV.map(({ path, label }) =>
    h('li', null, h('a', { href: router.href(path), 'aria-current': path === view.current ? 'page' : null }, label)),
  );
  replaceChildren(nav, h('ul', null, items));
}

function renderAccount(area: HTMLElement, account: Account | undefined, onSignOut: () => void): void {
  if (account === undefined) {
    replaceChildren(area);
    return;
  }
  replaceChildren(
    area,
    h('span', { class: 'who' }, 'Signed in as ', h('strong', null, account.name || account.username)),
    h('button', { type: 'button', class: 'button button-quiet', onclick: onSignOut }, 'Sign out'),
  );
}

function focusHeading(main: HTMLElement): void {
  const heading = main.querySelector<HTMLElement>('h1');
  if (heading === null) return main.focus();
  heading.tabIndex = -1;
  heading.focus();
}
