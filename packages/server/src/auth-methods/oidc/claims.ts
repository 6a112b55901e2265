/**
 * Claim expressions (`username_claim`, `name_claim`, `email_claim`) as
 * Semaphore writes them: a claim name, alternatives separated by `|` (the
 * first one present and non-empty wins, e.g. `preferred_username | email`),
 * or a template such as `{{ .given_name }} {{ .family_name }}`. Only
 * `{{ .claim }}` placeholders are understood in templates; anything fancier
 * is refused at start. Claim names are case-sensitive (JSON keys), unlike
 * LDAP attributes; only string claims count (a number or an object is not a
 * name or an address).
 */

type Alternative = { claim: string } | { template: string; claims: string[] };

export interface ClaimExpression {
  readonly expression: string;
  readonly alternatives: readonly Alternative[];
}

const CLAIM = /^[A-Za-z_][A-Za-z0-9_:.-]*$/;
const PLACEHOLDER = /\{\{\s*\.([A-Za-z_][A-Za-z0-9_:.-]*)\s*\}\}/g;

/** Throws an Error saying what is wrong (the caller names the setting). */
export function parseClaimExpression(expression: string): ClaimExpression {
  const alternatives: Alternative[] = [];
  for (const raw of expression.split('|')) {
    const text = raw.trim();
    if (text === '') continue;
    if (text.includes('{{')) {
      const claims = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
      if (claims.length === 0 || /\{\{|\}\}/.test(text.replace(PLACEHOLDER, ''))) {
        throw new Error(`"${text}": templates may only hold {{ .claim }} placeholders`);
      }
      alternatives.push({ template: text, claims });
    } else if (CLAIM.test(text)) {
      alternatives.push({ claim: text });
    } else {
      throw new Error(`"${text}" is not a claim name`);
    }
  }
  if (alternatives.length === 0) throw new Error('names no claim');
  return { expression, alternatives };
}

/** The claim's trimmed text when it is a non-empty string. */
function text(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = Object.hasOwn(claims, name) ? claims[name] : undefined;
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** The value the expression gives for these claims: the first alternative whose claims are all present. */
export function claimValue(expression: ClaimExpression, claims: Readonly<Record<string, unknown>>): string | undefined {
  for (const alt of expression.alternatives) {
    if ('claim' in alt) {
      const v = text(claims, alt.claim);
      if (v !== undefined) return v;
      continue;
    }
    if (alt.claims.every((c) => text(claims, c) !== undefined)) {
      return alt.template.replace(PLACEHOLDER, (_m, c: string) => text(claims, c)!);
    }
  }
  return undefined;
}

/** Every claim an expression reads. */
export function claimNames(expression: ClaimExpression): string[] {
  return expression.alternatives.flatMap((a) => ('claim' in a ? [a.claim] : a.claims));
}
