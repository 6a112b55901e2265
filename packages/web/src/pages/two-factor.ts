/**
 * Two-factor sign-in with an authenticator app (TOTP): turn it on (scan the
 * QR code, confirm with a first code, keep the recovery codes shown once)
 * or off. The current state is `GET /user`'s `totp` (Semaphore's field,
 * there only while TOTP is on). A server without TOTP (`GET /auth/login`
 * has no `auth_methods.totp`, or the routes answer 404) gets a "not
 * available" notice instead. The app sends users here (`?required`) when
 * the server requires them to set it up before anything else.
 */
import type { Account, TotpEnrolment } from '../api/index.js';
import { h, replaceChildren } from '../dom.js';
import { confirmDialog } from '../ui/confirm.js';
import { copyField } from '../ui/copy-field.js';
import { describeError, hasStatus, isNotAvailable } from '../ui/errors.js';
import { pageForm } from '../ui/form.js';
import { createMessages } from '../ui/messages.js';
import type { PageContext } from './context.js';
import { notAvailable } from './not-available.js';

const UNAVAILABLE = 'This server does not offer two-factor sign-in yet.';

export function twoFactorPage(ctx: PageContext): HTMLElement {
  const messages = createMessages();
  const content = h('div', { 'aria-busy': 'true' }, h('p', null, 'Loading…'));
  const userId = ctx.account.id;

  // After the first load, each step's heading takes the focus: the button that led there is gone.
  let settled = false;
  const show = (...children: (HTMLElement | null)[]) => {
    content.removeAttribute('aria-busy');
    replaceChildren(content, children);
    const heading = content.querySelector<HTMLElement>('h2');
    if (settled && heading !== null) {
      heading.tabIndex = -1;
      heading.focus();
    }
    settled = true;
  };
  const failed = (error: unknown) => {
    if (ctx.sessionEnded(error)) return;
    if (isNotAvailable(error)) show(notAvailable('Two-factor authentication', UNAVAILABLE));
    else messages.error(describeError(error));
  };

  const required = ctx.router.current().query.has('required');
  const load = async () => {
    try {
      const [options, account] = await Promise.all([ctx.api.signInOptions(), ctx.api.account()]);
      const totp = options.auth_methods?.totp;
      if (totp === undefined) return show(notAvailable('Two-factor authentication', UNAVAILABLE));
      if (!totp.enabled) return show(notAvailable('Two-factor authentication', 'Two-factor sign-in is turned off on this server.'));
      showState(account);
    } catch (error) {
      failed(error);
    }
  };

  const showState = (account: Account) => {
    const enrolled = account.totp ?? null;
    if (enrolled !== null) {
      return show(
        h('h2', null, 'Two-factor authentication is on'),
        h('p', null, 'Signing in asks for a code from your authenticator app after your password.'),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button button-danger', onclick: () => disable(enrolled.id) }, 'Turn off two-factor authentication')),
      );
    }
    show(
      h('h2', null, 'Two-factor authentication is off'),
      required ? h('p', null, h('strong', null, 'This server requires it for your account:'), ' set it up to use the other pages.') : null,
      h('p', null, 'With it on, signing in also asks for a code from an authenticator app on your phone, so a stolen password alone is not enough.'),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button button-primary', onclick: start }, 'Set up two-factor authentication')),
    );
  };

  const start = async () => {
    messages.clear();
    try {
      const enrolment = await ctx.api.totp.start(userId);
      const qr = await ctx.api.totp.qrCode(userId, enrolment.id).catch(() => null);
      show(enrolmentStep(enrolment, qr));
    } catch (error) {
      failed(error);
    }
  };

  const enrolmentStep = (enrolment: TotpEnrolment, qr: Blob | null): HTMLElement => {
    const code = h('input', { id: 'totp-code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, required: true });
    const secret = new URL(enrolment.url).searchParams.get('secret') ?? '';
    // A pending enrolment asks nothing at sign-in, but there is no reason to keep one the user walked away from.
    const cancel = async () => {
      await ctx.api.totp.disable(userId, enrolment.id).catch(() => undefined);
      await load();
    };
    return pageForm(
      async () => {
        if (!/^\d{6}$/.test(code.value.trim())) {
          messages.error('Enter the 6-digit code your app shows.');
          return code.focus();
        }
        try {
          showRecoveryCodes(await ctx.api.totp.confirm(userId, enrolment.id, code.value.trim()));
          messages.success('Two-factor authentication is on.');
        } catch (error) {
          if (hasStatus(error, 400)) {
            messages.error('That code is not valid. Check the time on your phone and enter the current code.');
            code.focus();
          } else failed(error);
        }
      },
      h('h2', null, 'Scan the code with your authenticator app'),
      qr === null ? null : h('img', { class: 'qr', src: URL.createObjectURL(qr), alt: 'QR code holding your two-factor secret', width: 200, height: 200 }),
      secret === '' ? null : copyField('Or enter this key by hand', secret),
      h('div', { class: 'field' }, h('label', { for: 'totp-code' }, 'Code from the app'), code),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Turn on'), h('button', { type: 'button', class: 'button button-quiet', onclick: cancel }, 'Cancel')),
    );
  };

  const showRecoveryCodes = (codes: string[]) =>
    show(
      h('h2', null, 'Save your recovery codes'),
      h('p', null, h('strong', null, 'They are shown only now.'), ' Each one signs you in once if you lose your phone. Keep them somewhere safe, apart from your password.'),
      copyField('Recovery codes', codes.join('\n'), { multiline: true }),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button', onclick: () => void load() }, 'I have saved them')),
    );

  const disable = async (totpId: number) => {
    const sure = await confirmDialog({
      title: 'Turn off two-factor authentication?',
      body: 'Signing in will need only your password again.',
      confirmLabel: 'Turn off',
    });
    if (!sure) return;
    try {
      await ctx.api.totp.disable(userId, totpId);
      messages.success('Two-factor authentication is off.');
      await load();
    } catch (error) {
      failed(error);
    }
  };

  void load();
  return h('div', { class: 'page' }, h('h1', null, 'Two-factor authentication'), messages.element, content);
}
