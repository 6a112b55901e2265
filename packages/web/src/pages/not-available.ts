/** What a page shows when the server lacks the API it needs (an older semauth, or Semaphore itself). */
import { h } from '../dom.js';

export function notAvailable(feature: string, detail: string): HTMLElement {
  return h(
    'div',
    { class: 'panel not-available' },
    h('h2', null, `${feature} not available on this server`),
    h('p', null, detail),
  );
}
