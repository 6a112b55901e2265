/**
 * The identity rules, in one place for the API, the CLI, LDAP and OIDC alike:
 * what a login, an e-mail or a display name may hold, and the key by which
 * logins and e-mails are compared.
 *
 * ## Keys
 * Two logins, two e-mails, or a login and an e-mail name the same identity
 * when their keys are equal. The key is Unicode canonical composition (NFC)
 * followed by full case folding, so `Ünal`, `ünal`, `ÜNAL` and an `Ünal`
 * typed with a combining diaeresis (NFD) are one identity, as are
 * `Strauß`/`STRAUSS`/`STRAUẞ` and `ﬁnn`/`finn`.
 *
 * JavaScript has no case-folding function. Lower-, upper-, then lower-casing
 * (locale-independent) gives every code point the same key as Unicode's
 * default full case folding (CaseFolding.txt, statuses C and F) does, with
 * one deliberate difference: Turkish dotless `ı` also matches `i` (one
 * look-alike pair fewer). Greek final `ς` matches `σ`; `İ` (capital I with
 * dot) stays distinct from `i` and `I`, as Unicode's default folding keeps it
 * (no Turkish-locale folding). Lower-casing first matters: `ẞ` upper-cases to
 * itself, and only its lower-case `ß` upper-cases to `SS`. NFC runs again at
 * the end because case mapping can decompose (`ΐ`). No compatibility folding
 * (NFKC): full-width `ａ` is not `a`.
 *
 * Keys are stored (users.login_key and users.email_key, and user_keys, whose
 * primary key makes them unique across logins and e-mails): changing this
 * function needs a migration that recomputes them.
 *
 * ## Text
 * Control characters (Cc), invisible format characters (Cf: zero-width
 * space, bidi marks, soft hyphen…), lone surrogates (Cs) and line or
 * paragraph separators are refused in every field: they hide or forge what
 * an operator reads. Logins and e-mails refuse all white space too, and
 * private-use and unassigned code points (whose case mapping is unknown).
 */
import { AppError } from './errors.js';

export const MAX_LOGIN_LENGTH = 255;
export const MAX_NAME_LENGTH = 255;
/** RFC 5321's limit for a whole address (its local part is at most 64). */
export const MAX_EMAIL_LENGTH = 254;
const MAX_EMAIL_LOCAL_LENGTH = 64;

/** Characters no text field may hold (see the header). */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
/** Characters no login or e-mail may hold: the above, any white space, private-use and unassigned code points. */
const NOT_IN_IDENTIFIER = /[\p{C}\p{Z}\s]/u;
/** `local@domain`, with dot-separated non-empty domain labels (`admin@localhost` is fine). */
const EMAIL_SHAPE = /^([^@]+)@([^@.]+(?:\.[^@.]+)*)$/;

/** The comparison key of a login or an e-mail (see the header). */
export function identityKey(value: string): string {
  return value.normalize('NFC').toLowerCase().toUpperCase().toLowerCase().normalize('NFC');
}

/** True when two logins or e-mails name the same identity. */
export function sameIdentity(a: string, b: string): boolean {
  return identityKey(a) === identityKey(b);
}

/** The first character a text field may not hold, as `U+200B`, or null. */
export function unprintableCharacter(value: string): string | null {
  const m = NOT_PRINTABLE.exec(value);
  return m ? codePoint(m[0]) : null;
}

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function invalid(message: string): AppError {
  return new AppError('INVALID_USER', message);
}

/** Trimmed and composed (NFC): what is stored and shown. */
function tidy(value: string): string {
  return value.trim().normalize('NFC');
}

function checkLength(label: string, v: string, max: number): void {
  if (v.length === 0 || v.length > max) throw invalid(`${label} must be 1 to ${max} characters long.`);
}

function checkPrintable(label: string, v: string): void {
  const bad = unprintableCharacter(v);
  if (bad) throw invalid(`${label} must not contain control or invisible characters (found ${bad}).`);
}

/** A display name: 1 to 255 printable characters (spaces inside are fine). Returns it trimmed and NFC-composed. */
export function checkName(value: string): string {
  const v = tidy(value);
  checkLength('name', v, MAX_NAME_LENGTH);
  checkPrintable('name', v);
  return v;
}

/** A login: 1 to 255 characters, no white space, no control, invisible, private-use or unassigned characters. */
export function checkLogin(value: string): string {
  const v = tidy(value);
  checkLength('login', v, MAX_LOGIN_LENGTH);
  checkPrintable('login', v);
  if (/[\p{Z}\s]/u.test(v)) throw invalid('login must not contain spaces.');
  const bad = NOT_IN_IDENTIFIER.exec(v);
  if (bad) throw invalid(`login must not contain private-use or unassigned characters (found ${codePoint(bad[0])}).`);
  return v;
}

/** An e-mail address: `local@domain`, at most 254 characters, under the same character rules as a login. */
export function checkEmail(value: string): string {
  const v = tidy(value);
  checkLength('email', v, MAX_EMAIL_LENGTH);
  checkPrintable('email', v);
  const m = EMAIL_SHAPE.exec(v);
  if (!m || NOT_IN_IDENTIFIER.test(v) || m[1]!.length > MAX_EMAIL_LOCAL_LENGTH) {
    throw invalid('email must look like name@example.com.');
  }
  return v;
}
