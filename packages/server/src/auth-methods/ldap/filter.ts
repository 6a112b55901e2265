/**
 * The search filter: Semaphore's `ldap_searchfilter` is a Go format string
 * whose `%s` is the login, e.g. `(&(objectClass=inetOrgPerson)(uid=%s))`.
 * Semaphore pastes the login in as typed, so `*)(uid=*` widens the search to
 * other entries (filter injection). Here the login is always escaped as an
 * RFC 4515 assertion value first: it can only ever be compared, literally.
 */
import { FilterParser } from 'ldapts';

/**
 * RFC 4515 §3: the characters that must be escaped in an assertion value
 * (`*`, `(`, `)`, `\` and NUL), each as a backslash and two hex digits.
 * Everything else — non-ASCII included — travels as UTF-8 unchanged.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\u0000]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A filter template split around its login placeholders: `parts[0] + login + parts[1] + …`. */
export interface FilterTemplate {
  readonly parts: readonly string[];
}

/**
 * Parses a Go-style template. Accepted verbs are the ones Semaphore's
 * configurations use for the login — `%s`, `%v`, `%[1]s`, `%[1]v` — and `%%`
 * for a literal percent sign; anything else is refused at start rather than
 * producing Go's `%!d(string=…)` garbage at every login. The template must
 * name the login at least once and be a valid filter.
 */
export function parseFilterTemplate(template: string): FilterTemplate {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '%') {
      current += c;
      continue;
    }
    const verb = /^(%|s|v|\[1\][sv])/.exec(template.slice(i + 1))?.[0];
    if (verb === undefined) throw new Error(`"${template.slice(i, i + 4)}…" is not understood: use %s for the login (and %% for a percent sign)`);
    if (verb === '%') current += '%';
    else {
      parts.push(current);
      current = '';
    }
    i += verb.length;
  }
  parts.push(current);
  if (parts.length < 2) throw new Error('must contain %s where the login goes, e.g. (uid=%s)');
  const tpl: FilterTemplate = { parts };
  try {
    FilterParser.parseString(buildFilter(tpl, 'login'));
  } catch (e) {
    throw new Error(`is not a valid LDAP filter (${(e as Error).message})`);
  }
  return tpl;
}

/** The filter for one login: the template with the escaped login in every placeholder. */
export function buildFilter(template: FilterTemplate, login: string): string {
  return template.parts.join(escapeFilterValue(login));
}
