/**
 * "Are you sure?" as a modal <dialog>: the browser keeps focus inside it,
 * Escape cancels, and focus goes back where it was afterwards. Cancel has
 * the focus first, so a stray Enter never destroys anything.
 */
import { h, uid } from '../dom.js';

export interface ConfirmOptions {
  title: string;
  body: string;
  confirmLabel: string;
}

export function confirmDialog({ title, body, confirmLabel }: ConfirmOptions): Promise<boolean> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = uid('dialog-title');
  const bodyId = uid('dialog-body');
  return new Promise((resolve) => {
    let confirmed = false;
    const cancel = h('button', { type: 'button', class: 'button', onclick: (): void => dialog.close() }, 'Cancel');
    const confirm = h('button', { type: 'button', class: 'button button-danger', onclick: (): void => ((confirmed = true), dialog.close()) }, confirmLabel);
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': bodyId },
      h('h2', { id: titleId }, title),
      h('p', { id: bodyId }, body),
      h('div', { class: 'actions' }, confirm, cancel),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      resolve(confirmed);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
