/**
 * Where you are signed in: every session of your account, this one marked,
 * and a way to end any other one or all of them. A server without the
 * sessions API (it answers 404) gets a "not available" notice instead.
 */
import type { Session } from '../api/index.js';
import { h, replaceChildren } from '../dom.js';
import { confirmDialog } from '../ui/confirm.js';
import { describeError, isNotAvailable } from '../ui/errors.js';
import { timeElement } from '../ui/format.js';
import { createMessages } from '../ui/messages.js';
import type { PageContext } from './context.js';
import { notAvailable } from './not-available.js';

export function sessionsPage(ctx: PageContext): HTMLElement {
  const messages = createMessages();
  const content = h('div', { 'aria-busy': 'true' }, h('p', null, 'Loading your sessions…'));

  const refresh = async (): Promise<void> => {
    content.setAttribute('aria-busy', 'true');
    try {
      replaceChildren(content, sessionList(await ctx.api.sessions.list()));
    } catch (error) {
      if (ctx.sessionEnded(error)) return;
      replaceChildren(
        content,
        isNotAvailable(error)
          ? notAvailable('Sessions', 'This server does not list sessions yet. Signing out ends this session; changing your password ends all the others.')
          : h('p', null, `Your sessions could not be loaded. ${describeError(error)}`),
      );
    } finally {
      content.removeAttribute('aria-busy');
    }
  };

  const end = async (what: string, action: () => Promise<void>, done: string): Promise<void> => {
    const sure = await confirmDialog({ title: `End ${what}?`, body: `Whoever uses ${what} is signed out at once.`, confirmLabel: 'End' });
    if (!sure) return;
    try {
      await action();
      messages.success(done);
    } catch (error) {
      if (ctx.sessionEnded(error)) return;
      messages.error(describeError(error));
    }
    await refresh();
    content.querySelector<HTMLElement>('h2')?.focus();
  };

  const sessionList = (sessions: Session[]): HTMLElement => {
    const others = sessions.filter((s) => !s.current);
    return h(
      'div',
      null,
      h('h2', { tabindex: '-1' }, 'Your sessions'),
      h(
        'ul',
        { class: 'cards' },
        sessions.map((session) =>
          h(
            'li',
            { class: 'card' },
            h('p', { class: 'card-title' }, session.user_agent || 'Unknown browser or client', session.current ? [' ', h('span', { class: 'badge' }, 'This session')] : null),
            h(
              'dl',
              { class: 'facts' },
              fact('Address', session.address ?? 'unknown'),
              fact('Signed in', timeElement(session.created, '—')),
              fact('Last active', timeElement(session.last_active, '—')),
              fact('Ends', timeElement(session.expires, '—')),
            ),
            session.current
              ? null
              : h('button', { type: 'button', class: 'button button-danger-quiet', onclick: () => end('this session', () => ctx.api.sessions.end(session.id), 'The session has ended.') }, 'End session'),
          ),
        ),
      ),
      others.length > 0
        ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button button-danger', onclick: () => end('all other sessions', () => ctx.api.sessions.endOthers(), 'All other sessions have ended.') }, 'End all other sessions'))
        : h('p', { class: 'muted' }, 'You are signed in nowhere else.'),
    );
  };

  void refresh();
  return h(
    'div',
    { class: 'page' },
    h('h1', null, 'Sessions'),
    h('p', { class: 'lead' }, 'The browsers and clients signed in to your account. End any you do not recognise.'),
    messages.element,
    content,
  );
}

function fact(term: string, value: HTMLElement | string): HTMLElement[] {
  return [h('dt', null, term), h('dd', null, value)];
}
