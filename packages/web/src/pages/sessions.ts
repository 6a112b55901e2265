/**
 * Where you are signed in: every live session of your account, this one
 * first and marked, each with its address, times and browser. Any other
 * session can be ended, or all of them at once; ending this one signs you
 * out, as the API does, and the page says so before. A server without the
 * sessions API (an older semauth answers 404) gets a "not available" notice.
 */
import type { Session } from '../api/index.js';
import { h, replaceChildren, uid } from '../dom.js';
import { confirmDialog } from '../ui/confirm.js';
import { describeError, hasStatus, isNotAvailable } from '../ui/errors.js';
import { timeElement } from '../ui/format.js';
import { createMessages } from '../ui/messages.js';
import { describeUserAgent } from '../ui/user-agent.js';
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

  /** Ends what `action` ends once confirmed, says so, and shows the list as the server has it now. */
  const end = async (confirm: Parameters<typeof confirmDialog>[0], action: () => Promise<void>, done: string): Promise<void> => {
    if (!(await confirmDialog(confirm))) return;
    try {
      await action();
      messages.success(done);
    } catch (error) {
      if (ctx.sessionEnded(error)) return;
      messages.error(hasStatus(error, 404) ? 'That session had already ended.' : describeError(error));
    }
    await refresh();
    // The button that had the focus may be gone with its session: the list's heading takes it.
    content.querySelector<HTMLElement>('h2')?.focus();
  };

  const endOther = (session: Session, name: string) =>
    end(
      {
        title: 'End this session?',
        body: `The session of ${name}${session.address ? ` at ${session.address}` : ''} ends at once, on every server: whoever uses it must sign in again.`,
        confirmLabel: 'End session',
      },
      () => ctx.api.sessions.end(session.id),
      `The session of ${name} has ended.`,
    );

  const endOthers = () =>
    end(
      {
        title: 'End all other sessions?',
        body: 'Every other browser and client signed in to your account is signed out at once, on every server. This session stays signed in, and your API tokens keep working.',
        confirmLabel: 'End other sessions',
      },
      () => ctx.api.sessions.endOthers(),
      'All other sessions have ended.',
    );

  const endCurrent = async (session: Session): Promise<void> => {
    const sure = await confirmDialog({
      title: 'End this session and sign out?',
      body: 'This is the session you are using now: ending it signs you out of this browser. Your other sessions stay signed in.',
      confirmLabel: 'End and sign out',
    });
    if (!sure) return;
    try {
      await ctx.api.sessions.end(session.id);
    } catch (error) {
      if (ctx.sessionEnded(error)) return;
      // Already ended elsewhere (404): signed out all the same.
      if (!hasStatus(error, 404)) return messages.error(describeError(error));
    }
    ctx.signedOut();
  };

  const sessionCard = (session: Session): HTMLElement => {
    const titleId = uid('session');
    const name = describeUserAgent(session.user_agent);
    return h(
      'li',
      { class: session.current ? 'card card-current' : 'card' },
      h('p', { class: 'card-title', id: titleId }, name, session.current ? [' ', h('span', { class: 'badge' }, 'This session')] : null),
      h(
        'dl',
        { class: 'facts' },
        fact('Address', session.address ?? 'unknown'),
        fact('Signed in', timeElement(session.created, '—')),
        fact('Last active', timeElement(session.last_active, '—')),
        fact('Expires', timeElement(session.expires, '—')),
        // In full for screen readers and on hover; one line on screen, cut with an ellipsis.
        session.user_agent ? fact('User agent', h('span', { class: 'truncate', title: session.user_agent }, session.user_agent)) : null,
      ),
      h(
        'button',
        session.current
          ? { type: 'button', class: 'button button-danger-quiet', 'aria-describedby': titleId, onclick: () => endCurrent(session) }
          : { type: 'button', class: 'button button-danger-quiet', 'aria-describedby': titleId, onclick: () => endOther(session, name) },
        session.current ? 'End and sign out' : 'End session',
      ),
    );
  };

  const sessionList = (sessions: Session[]): HTMLElement => {
    // This session first, then the others as the server lists them (newest first).
    const ordered = [...sessions].sort((a, b) => Number(b.current) - Number(a.current));
    const others = sessions.filter((s) => !s.current);
    return h(
      'div',
      null,
      h('h2', { id: 'sessions-heading', tabindex: '-1' }, 'Your sessions'),
      h('ul', { class: 'cards', 'aria-labelledby': 'sessions-heading' }, ordered.map(sessionCard)),
      others.length > 0
        ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button button-danger', onclick: endOthers }, 'End all other sessions'))
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
