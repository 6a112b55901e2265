/**
 * Page addresses are real paths under the web root (`/semaphore/tokens`),
 * kept with the History API. The server answers every such path with the
 * same index.html, so a reload or a bookmark lands on the same page.
 * Links are ordinary `<a href>` (open-in-new-tab works); plain clicks on
 * links into the app are handled here without a page load.
 */

export interface Route {
  /** Path below the web root without slashes at either end: `''`, `tokens`, `auth/login`. */
  path: string;
  query: URLSearchParams;
}

export interface Router {
  /** The web root's path with a trailing slash: `/` or `/semaphore/`. */
  readonly root: string;
  current(): Route;
  /** `target` is a path below the web root, optionally with a query: `auth/login?next=tokens`. */
  navigate(target: string, options?: { replace?: boolean }): void;
  /** The href of a path below the web root. */
  href(target: string): string;
}

export function createRouter(root: string, onChange: (route: Route) => void): Router {
  const current = (): Route => {
    const { pathname, search } = window.location;
    const below = pathname.startsWith(root) ? pathname.slice(root.length) : '';
    return { path: below.replace(/^\/+|\/+$/g, ''), query: new URLSearchParams(search) };
  };
  const href = (target: string) => `${root}${target.replace(/^\/+/, '')}`;
  const navigate = (target: string, options: { replace?: boolean } = {}) => {
    if (options.replace) window.history.replaceState(null, '', href(target));
    else window.history.pushState(null, '', href(target));
    onChange(current());
  };

  window.addEventListener('popstate', () => onChange(current()));
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('a') : null;
    if (link === null || link.target !== '' || link.hasAttribute('download') || link.dataset['external'] !== undefined) return;
    const url = new URL(link.href);
    if (url.origin !== window.location.origin || !url.pathname.startsWith(root) || url.pathname.startsWith(`${root}api/`)) return;
    event.preventDefault();
    navigate(`${url.pathname.slice(root.length)}${url.search}`);
  });
  return { root, current, navigate, href };
}
