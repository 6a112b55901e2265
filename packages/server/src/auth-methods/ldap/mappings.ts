/**
 * Attribute mappings (`ldap_mappings`): which attribute of the directory
 * entry becomes the user's login (`uid`), e-mail (`mail`) and name (`cn`).
 * Semaphore's expressions are kept: alternatives separated by `|` (the first
 * non-empty one wins, e.g. `mail | userPrincipalName`), and templates such as
 * `{{ .uid }}@example.org`. Only `{{ .attribute }}` placeholders are
 * understood in templates; anything fancier is refused at start.
 */

type Alternative = { attribute: string } | { template: string; attributes: string[] };

export interface Mapping {
  readonly expression: string;
  readonly alternatives: readonly Alternative[];
}

const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$/;
const PLACEHOLDER = /\{\{\s*\.([A-Za-z][A-Za-z0-9-]*)\s*\}\}/g;

export function parseMapping(expression: string): Mapping {
  const alternatives: Alternative[] = [];
  for (const raw of expression.split('|')) {
    const text = raw.trim();
    if (text === '') continue;
    if (text.includes('{{')) {
      const attributes = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
      if (attributes.length === 0 || /\{\{|\}\}/.test(text.replace(PLACEHOLDER, ''))) {
        throw new Error(`"${text}": templates may only hold {{ .attribute }} placeholders`);
      }
      alternatives.push({ template: text, attributes });
    } else if (ATTRIBUTE.test(text)) {
      alternatives.push({ attribute: text });
    } else {
      throw new Error(`"${text}" is not an attribute name`);
    }
  }
  if (alternatives.length === 0) throw new Error('names no attribute');
  return { expression, alternatives };
}

/** Every attribute a mapping reads: what the search asks the directory for. */
export function mappingAttributes(mapping: Mapping): string[] {
  return mapping.alternatives.flatMap((a) => ('attribute' in a ? [a.attribute] : a.attributes));
}

/** An entry's attributes by lower-cased name, first value only (as Semaphore reads them). */
export type EntryValues = ReadonlyMap<string, string>;

export function entryValues(entry: Record<string, unknown>): EntryValues {
  const values = new Map<string, string>();
  for (const [name, raw] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const first = Array.isArray(raw) ? raw[0] : raw;
    const text = typeof first === 'string' ? first : Buffer.isBuffer(first) ? first.toString('utf8') : undefined;
    if (text !== undefined && text.trim() !== '') values.set(name.toLowerCase(), text.trim());
  }
  return values;
}

/** The mapped value: the first alternative whose attributes are all present. */
export function mapValue(mapping: Mapping, values: EntryValues): string | undefined {
  for (const alt of mapping.alternatives) {
    if ('attribute' in alt) {
      const v = values.get(alt.attribute.toLowerCase());
      if (v !== undefined) return v;
      continue;
    }
    if (alt.attributes.every((a) => values.has(a.toLowerCase()))) {
      return alt.template.replace(PLACEHOLDER, (_m, a: string) => values.get(a.toLowerCase())!);
    }
  }
  return undefined;
}
