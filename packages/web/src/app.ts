/**
 * The application: which page a path shows, who is signed in, and what
 * happens when the session ends. Pages get a PageContext and build their
 * own content; the shell frames it.
 */
import type { Account, Api } from './api/index.js';
import { h } from './dom.js';
import type { PageContext } from './pages/context.js';
import { loginPage } from './pages/login.js';
import { notFoundPage } from './pages/not-found.js';
import { sessionsPage } from './pages/sessions.js';
import { tokensPage } from './pages/tokens.js';
import { twoFactorPage } from './pages/two-factor.js';
import { createRouter, type Route, type Router } from './router.js';
import { createShell, type Shell } from './shell.js';
import { describeError, isEnrolmentRequired, isSignedOut, isTotpRequired } from './ui/errors.js';

/** Pages for signed-in users, by path below the web root. */
const PAGES: Record<string, { title: string; render(ctx: PageContext): HTMLElement }> = {
  tokens: { title: 'API tokens', render: tokensPage },
  sessions: { title: 'Sessions', render: sessionsPage },
  'two-factor': { title: 'Two-factor authentication', render: twoFactorPage },
};
const LOGIN = 'auth/login';
const HOME = 'tokens';

export function startApp(api: Api, root: string): void {
  let account: Account | null = null;
  /** Shown once on the next sign-in page (e.g. "You have signed out."). */
  let notice: string | null = null;
  /** Bumped per navigation, so a slow answer for a page already left changes nothing. */
  let generation = 0;

  const router: Router = createRouter(root, (route) => void show(route));
  const shell: Shell = createShell(router, () => void signOut());

  const toLogin = (next: string, replace = true) => router.navigate(`${LOGIN}?next=${encodeURIComponent(next)}`, { replace });

  async function show(route: Route): Promise<void> {
    const mine = ++generation;
    const error = route.query.get('error');
    if (route.path === LOGIN) return showLogin(route);
    // A failed OIDC sign-in comes back to the web root with ?error=…: the sign-in page explains it.
    if (error !== null) return router.navigate(`${LOGIN}?error=${encodeURIComponent(error)}`, { replace: true });
    if (route.path === '') return router.navigate(HOME, { replace: true });

    if (account === null) {
      try {
        account = await api.account();
      } catch (failure) {
        if (mine !== generation) return;
        if (isSignedOut(failure) || isTotpRequired(failure)) return toLogin(route.path);
        return shell.show({ title: 'Error', content: loadFailure(failure, () => void show(route)) });
      }
      if (mine !== generation) return;
    }
    const page = Object.hasOwn(PAGES, route.path) ? PAGES[route.path] : undefined;
    const ctx: PageContext = { api, account, router, sessionEnded, signedOut: () => signedOut('You have signed out.') };
    shell.show(
      page === undefined
        ? { title: 'Page not found', content: notFoundPage(router), account }
        : { title: page.title, content: page.render(ctx), account, current: route.path },
    );
  }

  function showLogin(route: Route): void {
    const content = loginPage({
      api,
      router,
      next: safeNext(route.query.get('next')),
      error: route.query.get('error'),
      notice,
      signedIn(signedIn) {
        account = signedIn;
        router.navigate(safeNext(route.query.get('next')), { replace: true });
      },
    });
    notice = null;
    shell.show({ title: 'Sign in', content });
  }

  function sessionEnded(failure: unknown): boolean {
    // Signed in, but the server wants two-factor set up first: the one page that does it.
    if (isEnrolmentRequired(failure)) {
      router.navigate('two-factor?required', { replace: true });
      return true;
    }
    if (!isSignedOut(failure) && !isTotpRequired(failure)) return false;
    account = null;
    notice = 'Your session has ended. Sign in again.';
    toLogin(router.current().path);
    return true;
  }

  async function signOut(): Promise<void> {
    let message = 'You have signed out.';
    try {
      await api.signOut();
    } catch (failure) {
      message = `Signing out may not have completed on the server: ${describeError(failure)}`;
    }
    signedOut(message);
  }

  function signedOut(message: string): void {
    account = null;
    notice = message;
    router.navigate(LOGIN);
  }

  void show(router.current());
}

/** Only our own pages are valid targets after sign-in: never another site, never the API. */
function safeNext(next: string | null): string {
  return next !== null && Object.hasOwn(PAGES, next) ? next : HOME;
}

function loadFailure(failure: unknown, retry: () => void): HTMLElement {
  return h(
    'div',
    { class: 'page' },
    h('h1', null, 'Something went wrong'),
    h('p', { role: 'alert' }, describeError(failure)),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button button-primary', onclick: retry }, 'Try again')),
  );
}
