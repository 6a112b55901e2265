/**
 * A page's message area: one region for errors (role="alert", read out at
 * once) and one for results (role="status", read out politely). Both exist
 * from the start, empty, because screen readers announce changes to live
 * regions already in the page, not regions added along with their text.
 */
import { h, replaceChildren } from '../dom.js';

export interface Messages {
  readonly element: HTMLElement;
  error(text: string): void;
  success(text: string): void;
  clear(): void;
}

export function createMessages(): Messages {
  const alert = h('div', { class: 'message message-error', role: 'alert' });
  const status = h('div', { class: 'message message-success', role: 'status' });
  return {
    element: h('div', { class: 'messages' }, alert, status),
    error(text) {
      replaceChildren(status);
      replaceChildren(alert, text);
    },
    success(text) {
      replaceChildren(alert);
      replaceChildren(status, text);
    },
    clear() {
      replaceChildren(alert);
      replaceChildren(status);
    },
  };
}
