/**
 * The "Create a token" form: a name and an expiry (a number of days, a
 * date, or never). Validation is ours rather than the browser's bubbles, so
 * every problem is written next to its field and announced.
 */
import type { APIToken } from '../api/index.js';
import { h, replaceChildren, uid } from '../dom.js';
import { describeError } from '../ui/errors.js';
import { pageForm } from '../ui/form.js';
import { isoDate } from '../ui/format.js';
import type { Messages } from '../ui/messages.js';
import type { PageContext } from './context.js';

/** The server's limit on token names. */
const MAX_NAME_LENGTH = 255;
const EXPIRY_CHOICES = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'custom', label: 'On a date…' },
  { value: 'never', label: 'Never' },
] as const;
const DEFAULT_EXPIRY = '30';
const DAY_MS = 24 * 60 * 60 * 1000;

export function tokenForm(ctx: PageContext, messages: Messages, created: (token: APIToken) => void): HTMLFormElement {
  const nameHint = uid('hint');
  const expiryHint = uid('hint');
  const name = h('input', { id: 'token-name', name: 'name', type: 'text', maxlength: MAX_NAME_LENGTH, autocomplete: 'off', required: true, 'aria-describedby': nameHint });
  const expiry = h(
    'select',
    { id: 'token-expiry', name: 'expiry', 'aria-describedby': expiryHint },
    EXPIRY_CHOICES.map(({ value, label }) => h('option', { value, selected: value === DEFAULT_EXPIRY }, label)),
  );
  const tomorrow = isoDate(new Date(Date.now() + DAY_MS));
  const date = h('input', { id: 'token-date', name: 'date', type: 'date', min: tomorrow, 'aria-describedby': expiryHint });
  const dateField = h('div', { class: 'field', hidden: true }, h('label', { for: 'token-date' }, 'Expiry date'), date);
  const expiryText = h('p', { id: expiryHint, class: 'hint' });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Create token');

  const describeExpiry = () => {
    dateField.hidden = expiry.value !== 'custom';
    const at = expiresAt(expiry.value, date.value);
    replaceChildren(
      expiryText,
      at === null
        ? 'The token works until you revoke it. A token with an expiry is safer: a forgotten copy stops working by itself.'
        : at === undefined
          ? 'Choose the last day the token works.'
          : `The token works until ${at.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' })}.`,
    );
  };
  expiry.addEventListener('change', describeExpiry);
  date.addEventListener('input', describeExpiry);
  describeExpiry();

  const invalid = (field: HTMLInputElement, text: string) => {
    field.setAttribute('aria-invalid', 'true');
    messages.error(text);
    field.focus();
  };

  const form: HTMLFormElement = pageForm(
    async () => {
      name.removeAttribute('aria-invalid');
      date.removeAttribute('aria-invalid');
      const label = name.value.trim();
      if (label === '') return invalid(name, 'Give the token a name, so you can tell it apart later.');
      const at = expiresAt(expiry.value, date.value);
      if (at === undefined) return invalid(date, 'Choose the expiry date, or another expiry.');
      if (at !== null && at.getTime() <= Date.now()) return invalid(date, 'The expiry date must be in the future.');
      try {
        const token = await ctx.api.tokens.create(at === null ? { name: label } : { name: label, expiresAt: at });
        form.reset();
        describeExpiry();
        created(token);
      } catch (error) {
        if (!ctx.sessionEnded(error)) messages.error(`The token was not created. ${describeError(error)}`);
      }
    },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'token-name' }, 'Name'),
      name,
      h('p', { id: nameHint, class: 'hint' }, 'What the token is for, e.g. “CI deploys” or “Terraform on my laptop”.'),
    ),
    h('div', { class: 'field' }, h('label', { for: 'token-expiry' }, 'Expires'), expiry),
    dateField,
    expiryText,
    h('div', { class: 'actions' }, submit),
  );
  return form;
}

/**
 * When a token chosen this way stops working: `null` for never, `undefined`
 * when a date is still to be picked. A date means "through that day": the
 * token ends at the next local midnight.
 */
function expiresAt(choice: string, date: string): Date | null | undefined {
  if (choice === 'never') return null;
  if (choice === 'custom') {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    if (match === null) return undefined;
    return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1);
  }
  return new Date(Date.now() + Number(choice) * DAY_MS);
}
