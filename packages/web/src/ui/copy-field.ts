/**
 * A read-only value with a Copy button: the new token's secret, recovery
 * codes. The Clipboard API needs a secure context (HTTPS or localhost); on
 * plain HTTP elsewhere the text is selected and copied the old way, and if
 * that fails too the user is told to copy it by hand.
 */
import { h, replaceChildren, uid } from '../dom.js';

export function copyField(label: string, value: string, options: { multiline?: boolean } = {}): HTMLElement {
  const id = uid('copy');
  const field = options.multiline
    ? h('textarea', { id, class: 'mono', readonly: true, rows: value.split('\n').length, spellcheck: 'false' }, value)
    : h('input', { id, class: 'mono', type: 'text', readonly: true, value, spellcheck: 'false', autocomplete: 'off' });
  const result = h('span', { class: 'copy-result', role: 'status' });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'button',
      onclick: async () => {
        const ok = await copyText(field);
        replaceChildren(result, ok ? 'Copied to the clipboard.' : 'Could not copy: the text is selected, copy it with your keyboard.');
        if (!ok) field.select();
      },
    },
    'Copy',
  );
  return h('div', { class: 'copy-field' }, h('label', { for: id }, label), h('div', { class: 'copy-row' }, field, button), result);
}

async function copyText(field: HTMLInputElement | HTMLTextAreaElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(field.value);
    return true;
  } catch {
    field.focus();
    field.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}
