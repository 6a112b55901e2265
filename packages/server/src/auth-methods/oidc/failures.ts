/**
 * Why an OIDC sign-in failed. A browser following redirects cannot be given
 * a JSON error, so these are not in the error catalogue (errors.ts): every
 * failure sends the browser to the sign-in page with `?error=<reason>`, which
 * the web UI explains (packages/web/src/pages/login.ts lists the same
 * reasons). The reason is all the browser learns; the operator's log and the
 * audit trail say more — never a code, a token or a secret.
 */
import * as oidc from 'openid-client';

export const FAILURE_REASONS = {
  /** No provider with this id is configured. */
  oidc_provider: 'no such OIDC provider',
  /** `?redirect=` or the callback's `{path}` is not a path on this site. */
  oidc_redirect: 'the page to return to is not on this site',
  /** No state cookie, an unknown, used, expired or tampered state, or a callback for another provider. */
  oidc_state: 'the sign-in state is missing, expired, already used or does not match',
  /** The provider answered the authorization request with an error (the user cancelled, or was refused). */
  oidc_denied: 'the provider did not sign the user in',
  /** The provider could not be reached, timed out or failed (discovery, token, keys, userinfo). */
  oidc_unavailable: 'the provider is unavailable',
  /** The provider's answer failed verification (code exchange refused, ID token issuer, audience, signature, expiry or nonce). */
  oidc_token: "the provider's answer failed verification",
  /** The answer holds no usable identity: no e-mail (or one the provider says it has not verified), an invalid username. */
  oidc_user: 'the identity from the provider cannot make a user here',
  /** A local user, or another user, holds this e-mail or username and is not taken over. */
  oidc_conflict: 'another account here holds this e-mail or username',
  /** The user is disabled. */
  oidc_disabled: 'the user is disabled',
  /** This server failed (e.g. its database): nothing the user did. */
  oidc_failed: 'the sign-in failed on this server',
} as const;

export type FailureReason = keyof typeof FAILURE_REASONS;

export class OidcFailure extends Error {
  override name = 'OidcFailure';
  constructor(
    readonly reason: FailureReason,
    /** For the operator's log; safe to log (no code, token or secret). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(FAILURE_REASONS[reason]);
  }
}

/** What the operator's log may say about an error of the provider's exchange: its kind and code, no payload. */
export function errorSummary(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { message: String(e) };
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  const { code, error, status } = e as { code?: unknown; error?: unknown; status?: unknown };
  if (typeof code === 'string') out.code = code;
  if (typeof error === 'string') out.error = error;
  if (typeof status === 'number') out.status = status;
  const cause = (e as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const causeCode = (cause as { code?: unknown }).code;
    out.cause = { name: cause.name, message: cause.message, ...(typeof causeCode === 'string' ? { code: causeCode } : {}) };
  }
  return out;
}

/** openid-client's codes for answers that could not be had or read: the provider is not working. */
const UNAVAILABLE_CODES = new Set(['OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON']);

/**
 * The reason for an error thrown by openid-client during the code exchange:
 * - the provider sent an error instead of a code → oidc_denied;
 * - it could not be reached, timed out, or answered 5xx or garbage → oidc_unavailable;
 * - it refused the code (invalid_grant…) or its ID token failed a check → oidc_token.
 */
export function exchangeFailure(e: unknown): OidcFailure {
  const err = errorSummary(e);
  if (e instanceof oidc.AuthorizationResponseError) return new OidcFailure('oidc_denied', { err });
  if (e instanceof oidc.ResponseBodyError) return new OidcFailure(e.status >= 500 ? 'oidc_unavailable' : 'oidc_token', { err });
  // fetch() itself failed: refused, reset, DNS, TLS.
  if (e instanceof TypeError) return new OidcFailure('oidc_unavailable', { err });
  if (e instanceof oidc.ClientError && e.code !== undefined && UNAVAILABLE_CODES.has(e.code)) return new OidcFailure('oidc_unavailable', { err });
  return new OidcFailure('oidc_token', { err });
}
