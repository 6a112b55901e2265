/**
 * Sign in: a password form (when the server allows password sign-in), one
 * button per OIDC provider, and — when the account has two-factor on — the
 * second step asking for a code from the authenticator app or a recovery
 * code. Reasons sent back by a failed OIDC sign-in (`?error=oidc_state`)
 * are shown at the top.
 *
 * The page first asks who is signed in: nobody → the form; someone whose
 * second factor is still due → the code step (also after a reload);
 * someone fully signed in → on to the page they wanted.
 */
import type { Account, Api, SignInOptions } from '../api/index.js';
import { h, replaceChildren } from '../dom.js';
import type { Router } from '../router.js';
import { describeError, errorCode, hasStatus, isSignedOut, isTotpRequired, retryAfterMinutes, plural } from '../ui/errors.js';
import { pageForm } from '../ui/form.js';
import { createMessages, type Messages } from '../ui/messages.js';

export interface LoginContext {
  api: Api;
  router: Router;
  /** Path to go to once signed in, already checked to be one of ours. */
  next: string;
  /** `?error=` of a failed OIDC sign-in, if any. */
  error: string | null;
  /** A message to show first, e.g. after signing out. */
  notice: string | null;
  signedIn(account: Account): void;
}

export function loginPage(ctx: LoginContext): HTMLElement {
  const messages = createMessages();
  const body = h('div', { 'aria-busy': 'true' }, h('p', null, 'Loading…'));
  const page = h('div', { class: 'page page-narrow' }, h('h1', null, 'Sign in to semauth'), messages.element, body);
  if (ctx.error !== null) messages.error(oidcFailure(ctx.error));
  else if (ctx.notice !== null) messages.success(ctx.notice);

  const optionsRequest = ctx.api.signInOptions().catch((error: unknown) => {
    messages.error(`The sign-in options could not be loaded. ${describeError(error)}`);
    return null;
  });
  void ctx.api.account().then(
    (account) => {
      // Already signed in. After a failed OIDC attempt, stay and show why.
      if (ctx.error === null) ctx.signedIn(account);
      else void optionsRequest.then((options) => showFirstStep(options));
    },
    async (error: unknown) => {
      const options = await optionsRequest;
      if (isTotpRequired(error)) showSecondStep(options);
      else showFirstStep(options);
      if (!isSignedOut(error) && !isTotpRequired(error)) messages.error(describeError(error));
    },
  );

  const show = (...content: HTMLElement[]) => {
    body.removeAttribute('aria-busy');
    replaceChildren(body, content);
    body.querySelector<HTMLInputElement>('input')?.focus();
  };

  const afterFirstFactor = async (options: SignInOptions | null) => {
    try {
      ctx.signedIn(await ctx.api.account());
    } catch (error) {
      if (isTotpRequired(error)) showSecondStep(options);
      else messages.error(describeError(error));
    }
  };

  const showFirstStep = (options: SignInOptions | null) => {
    const passwordAllowed = options?.login_with_password ?? true;
    const providers = options?.oidc_providers ?? [];
    show(
      ...(passwordAllowed ? [passwordForm(ctx.api, messages, () => afterFirstFactor(options))] : []),
      ...(providers.length > 0 ? [providerButtons(ctx, providers, passwordAllowed)] : []),
      ...(!passwordAllowed && providers.length === 0 ? [h('p', null, 'This server offers no way to sign in here. Ask your administrator.')] : []),
    );
  };

  const showSecondStep = (options: SignInOptions | null) => {
    const allowRecovery = options?.auth_methods?.totp?.allow_recovery ?? false;
    const cancel = async () => {
      await ctx.api.signOut().catch(() => undefined);
      messages.clear();
      showFirstStep(options);
    };
    const verified = () => afterFirstFactor(options);
    const codeStep = (): HTMLElement => secondStepForm(ctx.api, messages, 'code', verified, cancel, allowRecovery ? () => show(recoveryStep()) : null);
    const recoveryStep = (): HTMLElement => secondStepForm(ctx.api, messages, 'recovery', verified, cancel, () => show(codeStep()));
    show(codeStep());
  };

  return page;
}

function passwordForm(api: Api, messages: Messages, done: () => Promise<void>): HTMLFormElement {
  const login = h('input', { id: 'login', name: 'login', type: 'text', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  return pageForm(
    async () => {
      const empty = [login, password].find((field) => field.value === '');
      if (empty !== undefined) {
        messages.error(empty === login ? 'Enter your username or e-mail address.' : 'Enter your password.');
        empty.focus();
        return;
      }
      try {
        await api.signIn(login.value, password.value);
        messages.clear();
        await done();
      } catch (error) {
        messages.error(signInFailure(error));
        password.value = '';
        password.focus();
      }
    },
    h('div', { class: 'field' }, h('label', { for: 'login' }, 'Username or e-mail'), login),
    h('div', { class: 'field' }, h('label', { for: 'password' }, 'Password'), password),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Sign in')),
  );
}

function providerButtons(ctx: LoginContext, providers: SignInOptions['oidc_providers'], afterPassword: boolean): HTMLElement {
  const redirect = `/${ctx.next}`;
  return h(
    'div',
    { class: 'providers' },
    afterPassword ? h('p', { class: 'divider' }, 'or') : null,
    h(
      'ul',
      { class: 'provider-list' },
      providers.map((provider) => {
        const link = h('a', { class: 'button button-provider', href: ctx.api.oidcSignInUrl(provider.id, redirect), 'data-external': '' }, `Sign in with ${provider.name}`);
        // Set through the CSSOM, which the page's CSP allows (a style attribute it would not).
        if (provider.color && /^#[0-9a-f]{3,8}$|^[a-z]+$/i.test(provider.color)) link.style.borderLeftColor = provider.color;
        return h('li', null, link);
      }),
    ),
  );
}

/** The second step: a code from the authenticator app, or one of the recovery codes. */
function secondStepForm(
  api: Api,
  messages: Messages,
  kind: 'code' | 'recovery',
  verified: () => Promise<void>,
  cancel: () => Promise<void>,
  switchKind: (() => void) | null,
): HTMLFormElement {
  const isCode = kind === 'code';
  const input = isCode
    ? h('input', { id: 'passcode', name: 'passcode', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: 6, required: true, 'aria-describedby': 'passcode-hint' })
    : h('input', { id: 'recovery-code', name: 'recovery_code', type: 'text', autocomplete: 'off', spellcheck: 'false', required: true });
  return pageForm(
    async () => {
      const value = input.value.replace(/\s+/g, '');
      if (isCode ? !/^\d{6}$/.test(value) : value === '') {
        messages.error(isCode ? 'Enter the 6-digit code from your authenticator app.' : 'Enter one of your recovery codes.');
        input.focus();
        return;
      }
      try {
        await (isCode ? api.totp.verify(value) : api.totp.useRecoveryCode(value));
        messages.clear();
        await verified();
      } catch (error) {
        messages.error(secondStepFailure(error, isCode));
        input.value = '';
        input.focus();
      }
    },
    h('h2', null, 'Two-factor authentication'),
    isCode
      ? h('div', { class: 'field' }, h('label', { for: 'passcode' }, 'Authentication code'), input, h('p', { id: 'passcode-hint', class: 'hint' }, 'The 6-digit code your authenticator app shows for semauth.'))
      : h('div', { class: 'field' }, h('label', { for: 'recovery-code' }, 'Recovery code'), input),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'button button-primary' }, 'Verify'),
      switchKind === null ? null : h('button', { type: 'button', class: 'button button-quiet', onclick: switchKind }, isCode ? 'Use a recovery code' : 'Use the authenticator app'),
      h('button', { type: 'button', class: 'button button-quiet', onclick: cancel }, 'Cancel'),
    ),
  );
}

/** Why a code was refused, in words: a wrong code is a 401 of its own (not a signed-out session). */
function secondStepFailure(error: unknown, isCode: boolean): string {
  if (hasStatus(error, 401) && !isTotpRequired(error)) {
    if (isSignedOut(error) && errorCode(error) === 'UNAUTHENTICATED') return 'The sign-in expired. Cancel and sign in again.';
    return isCode ? 'That code is not valid. Codes change every 30 seconds: enter the current one.' : 'That recovery code is not valid or was already used.';
  }
  if (hasStatus(error, 429)) {
    const minutes = retryAfterMinutes(error);
    return `Too many wrong codes. Try again ${minutes === undefined ? 'later' : `in ${plural(minutes, 'minute')}`}.`;
  }
  return describeError(error);
}

function signInFailure(error: unknown): string {
  if (hasStatus(error, 401)) return 'Incorrect username or password.';
  if (hasStatus(error, 429)) {
    const minutes = retryAfterMinutes(error);
    return `Too many failed sign-in attempts. Try again ${minutes === undefined ? 'later' : `in ${plural(minutes, 'minute')}`}.`;
  }
  return describeError(error);
}

/**
 * Reasons a failed OIDC sign-in comes back with (the server's list:
 * packages/server/src/auth-methods/oidc/failures.ts); anything else is named
 * as it came.
 */
const OIDC_FAILURES: Record<string, string> = {
  oidc_state: 'The sign-in with your identity provider expired or was started in another window. Try again.',
  oidc_unavailable: 'Your identity provider could not be reached. Try again shortly.',
  oidc_denied: 'Your identity provider did not sign you in.',
  access_denied: 'Your identity provider did not sign you in.',
  oidc_token: 'The answer from your identity provider could not be verified, so you were not signed in. Try again; if it keeps happening, tell your administrator.',
  oidc_user: 'Your identity provider signed you in, but this server has no account you may use with it. Ask your administrator.',
  oidc_conflict: 'Your identity provider signed you in, but an account here with the same e-mail address or username is not linked to it. Sign in with that account\'s password, or ask your administrator.',
  oidc_disabled: 'Your account is disabled. Ask your administrator.',
  oidc_provider: 'This server has no such identity provider.',
  oidc_redirect: 'Signing in was refused: the page to return to is not on this site.',
  oidc_failed: 'Signing in failed on this server. Try again shortly.',
};

function oidcFailure(reason: string): string {
  const known = OIDC_FAILURES[reason];
  if (known !== undefined) return known;
  const code = reason.replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 64);
  return code === '' ? 'Signing in failed.' : `Signing in failed (${code}).`;
}
