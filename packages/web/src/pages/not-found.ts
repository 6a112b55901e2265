import { h } from '../dom.js';
import type { Router } from '../router.js';

export function notFoundPage(router: Router): HTMLElement {
  return h(
    'section',
    null,
    h('h1', null, 'Page not found'),
    h('p', null, 'There is no page at this address. ', h('a', { href: router.href('tokens') }, 'Go to your API tokens'), '.'),
  );
}
