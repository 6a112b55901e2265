/**
 * A form the page checks and sends itself: the browser's validation bubbles
 * are off (the page's own messages say more, in its live region), and while
 * `submit` runs the form's submit buttons are disabled, so that a double
 * click sends once.
 */
import { h, type Child } from '../dom.js';

export function pageForm(submit: () => Promise<void>, ...children: (Child | Child[])[]): HTMLFormElement {
  const form = h(
    'form',
    {
      class: 'form',
      novalidate: true,
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const buttons = [...form.querySelectorAll<HTMLButtonElement>('button[type="submit"]')];
        for (const button of buttons) button.disabled = true;
        try {
          await submit();
        } finally {
          for (const button of buttons) button.disabled = false;
        }
      },
    },
    ...children,
  );
  return form;
}
