/**
 * API tokens: create one (name and expiry), see its secret once with a
 * Copy button, list them, revoke one after a confirmation.
 */
import type { APIToken } from '../api/index.js';
import { h, replaceChildren } from '../dom.js';
import { confirmDialog } from '../ui/confirm.js';
import { copyField } from '../ui/copy-field.js';
import { describeError, hasStatus } from '../ui/errors.js';
import { timeElement } from '../ui/format.js';
import { createMessages } from '../ui/messages.js';
import type { PageContext } from './context.js';
import { tokenForm } from './token-form.js';

export function tokensPage(ctx: PageContext): HTMLElement {
  const messages = createMessages();
  const secretSlot = h('div');
  const listHeading = h('h2', { id: 'tokens-heading' }, 'Your tokens');
  const list = h('div', { class: 'list' });

  const refresh = async (): Promise<void> => {
    list.setAttribute('aria-busy', 'true');
    try {
      const tokens = await ctx.api.tokens.list();
      replaceChildren(list, tokens.length === 0 ? h('p', { class: 'empty' }, 'You have no API tokens.') : tokenTable(tokens, revoke));
    } catch (error) {
      if (!ctx.sessionEnded(error)) replaceChildren(list, h('p', { class: 'empty' }, `Your tokens could not be loaded. ${describeError(error)}`));
    } finally {
      list.removeAttribute('aria-busy');
    }
  };

  const revoke = async (token: APIToken): Promise<void> => {
    const label = tokenLabel(token);
    const sure = await confirmDialog({
      title: 'Revoke this token?',
      body: `${label} stops working at once for every script and tool that uses it. This cannot be undone.`,
      confirmLabel: 'Revoke token',
    });
    if (!sure) return;
    try {
      await ctx.api.tokens.revoke(token.id);
      messages.success(`Revoked ${label}.`);
    } catch (error) {
      if (ctx.sessionEnded(error)) return;
      messages.error(hasStatus(error, 404) ? `${label} no longer exists.` : describeError(error));
    }
    await refresh();
    focus(listHeading);
  };

  const created = (token: APIToken): void => {
    messages.clear();
    const panel = newTokenPanel(token, () => {
      replaceChildren(secretSlot);
      focus(listHeading);
    });
    replaceChildren(secretSlot, panel);
    focus(panel.querySelector('h2')!);
    void refresh();
  };

  void refresh();
  return h(
    'div',
    { class: 'page' },
    h('h1', null, 'API tokens'),
    h(
      'p',
      { class: 'lead' },
      'A token lets a script or tool use the API as you, without your password: send it as ',
      h('code', null, 'Authorization: Bearer <token>'),
      '. Revoke it when it is no longer needed.',
    ),
    messages.element,
    secretSlot,
    h('section', { class: 'panel', 'aria-labelledby': 'create-heading' }, h('h2', { id: 'create-heading' }, 'Create a token'), tokenForm(ctx, messages, created)),
    h('section', { 'aria-labelledby': 'tokens-heading' }, listHeading, list),
  );
}

/** The one and only showing of a new token's secret. */
function newTokenPanel(token: APIToken, done: () => void): HTMLElement {
  return h(
    'section',
    { class: 'panel panel-warning new-token', 'aria-labelledby': 'new-token-heading' },
    h('h2', { id: 'new-token-heading' }, token.name ? `Your new token “${token.name}”` : 'Your new token'),
    h(
      'p',
      null,
      h('strong', null, 'Copy it now: it will not be shown again.'),
      ' Anyone who has it can use the API as you until it expires or you revoke it. Keep it somewhere safe, such as a password manager or your CI’s secret store.',
    ),
    copyField('Token', token.id),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button', onclick: done }, 'I have copied it')),
  );
}

function tokenTable(tokens: APIToken[], revoke: (token: APIToken) => Promise<void>): HTMLElement {
  const rows = tokens.map((token) =>
    h(
      'tr',
      null,
      h('td', null, token.name ? token.name : h('span', { class: 'muted' }, 'no name')),
      h('td', null, h('code', null, token.id)),
      h('td', null, timeElement(token.created, '—')),
      h('td', null, timeElement(token.expires_at, 'Never'), token.expired ? [' ', h('span', { class: 'badge badge-expired' }, 'Expired')] : null),
      h('td', null, timeElement(token.last_used_at, 'Never used')),
      h('td', { class: 'cell-action' }, h('button', { type: 'button', class: 'button button-danger-quiet', 'aria-label': `Revoke ${tokenLabel(token)}`, onclick: () => revoke(token) }, 'Revoke')),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      null,
      h('caption', { class: 'visually-hidden' }, 'Your API tokens, newest first'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Name', 'ID', 'Created', 'Expires', 'Last used'].map((title) => h('th', { scope: 'col' }, title)),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
        ),
      ),
      h('tbody', null, rows),
    ),
  );
}

function tokenLabel(token: APIToken): string {
  return token.name ? `token “${token.name}” (${token.id})` : `token ${token.id}`;
}

function focus(element: HTMLElement): void {
  element.tabIndex = -1;
  element.focus();
}
