import { parseFilterTemplate } from '../auth-methods/ldap/filter.js';
import { parseMapping } from '../auth-methods/ldap/mappings.js';
import { parseServerAddress } from '../auth-methods/ldap/server-address.js';

/**
 * Value parsers for configuration settings. Each takes the raw value from the
 * environment (always a string) or from config.json (any JSON value) and
 * either returns the typed value or throws a ConfigError naming the setting.
 */
import { httpOrigin, parseHttpUrl } from '../origin.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Parser<T> = (raw: unknown, name: string) => T;

export const str: Parser<string> = (raw, name) => {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return String(raw);
  throw new ConfigError(`${name} must be a string`);
};

/** A string of `min` to `max` characters (code units, as the password rules count them). */
export function text(min: number, max: number): Parser<string> {
  return (raw, name) => {
    const v = str(raw, name);
    if (v.length < min || v.length > max) throw new ConfigError(`${name} must be ${min} to ${max} characters long`);
    return v;
  };
}

export const bool: Parser<boolean> = (raw, name) => {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  }
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
};

export function int(min: number, max: number): Parser<number> {
  return (raw, name) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return n;
  };
}

/**
 * Trusted proxy hops: `true` (one proxy in front), `false`, or how many
 * proxies stand in front (0 to 10). `1` means one proxy, like `true`.
 */
export const proxyHops: Parser<number> = (raw, name) => {
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'string' && !/^\s*\d+\s*$/.test(raw)) {
    try {
      return bool(raw, name) ? 1 : 0;
    } catch {
      throw new ConfigError(`${name} must be true, false or a number of proxies from 0 to 10, got ${JSON.stringify(raw)}`);
    }
  }
  return int(0, 10)(raw, name);
};

export function oneOf<const T extends string>(values: readonly T[]): Parser<T> {
  return (raw, name) => {
    if (typeof raw === 'string' && (values as readonly string[]).includes(raw.trim().toLowerCase())) {
      return raw.trim().toLowerCase() as T;
    }
    throw new ConfigError(`${name} must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
  };
}

/** A TCP port; Semaphore accepts both `3000` and `:3000`. */
export const port: Parser<number> = (raw, name) =>
  int(0, 65535)(typeof raw === 'string' ? raw.replace(/^:/, '') : raw, name);

/** A comma-separated list in the environment, a JSON array in config.json. */
export const list: Parser<string[]> = (raw, name) => {
  if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) return raw.map((v) => v.trim()).filter(Boolean);
  if (typeof raw === 'string') return raw.split(',').map((v) => v.trim()).filter(Boolean);
  throw new ConfigError(`${name} must be a list of strings`);
};

/** Origins like `https://ui.example.com`, normalised to scheme://host[:port]. */
export const origins: Parser<string[]> = (raw, name) =>
  list(raw, name).map((value) => {
    const origin = httpOrigin(value);
    if (origin === null) throw new ConfigError(`${name}: ${JSON.stringify(value)} is not an http(s) origin like https://host:port`);
    return origin;
  });

/** Key/value options: a JSON object in config.json, JSON text or `a=b&c=d` in the environment. */
export const options: Parser<Record<string, string>> = (raw, name) => {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') return {};
    if (text.startsWith('{')) {
      try {
        value = JSON.parse(text);
      } catch {
        throw new ConfigError(`${name} is not valid JSON`);
      }
    } else {
      return Object.fromEntries(new URLSearchParams(text));
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  }
  throw new ConfigError(`${name} must be an object of options`);
};

const WEB_ROOT_PATH = /^\/[A-Za-z0-9._~\-/]*$/;

/** The web root: a path prefix (`/semaphore`) or a public URL (`https://host/semaphore`). */
export const webRoot: Parser<{ prefix: string; origin: string | null }> = (raw, name) => {
  const text = str(raw, name).trim();
  if (text === '' || text === '/') return { prefix: '', origin: null };
  if (text.startsWith('/')) {
    if (!WEB_ROOT_PATH.test(text)) throw new ConfigError(`${name} must be a path like /semaphore`);
    return { prefix: text.replace(/\/+$/, ''), origin: null };
  }
  const url = parseHttpUrl(text);
  if (url === null) throw new ConfigError(`${name} must be a path like /semaphore or an http(s) URL like https://example.com/semaphore`);
  // The path becomes the route prefix: the same characters as the path form, nothing after it.
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '' || !WEB_ROOT_PATH.test(url.pathname)) {
    throw new ConfigError(`${name} must be a URL like https://example.com/semaphore (no query, fragment or credentials)`);
  }
  return { prefix: url.pathname.replace(/\/+$/, ''), origin: url.origin };
};

/**
 * Runs a validator that throws plain Errors and names the setting in its
 * message, with the value given — unless it is `secret` (a key mistyped may
 * still be most of a real one).
 */
function checked(validate: (text: string) => unknown, secret = false): Parser<string> {
  return (raw, name) => {
    const text = str(raw, name).trim();
    if (text === '') return text;
    try {
      validate(text);
    } catch (e) {
      throw new ConfigError(`${name} ${(e as Error).message}${secret ? '' : `, got ${JSON.stringify(text)}`}`);
    }
    return text;
  };
}

/** LDAP: `host:port` of the directory (Semaphore's `ldap_server`). */
export const ldapServer = checked(parseServerAddress);
/** LDAP: a search filter template holding `%s` (Semaphore's `ldap_searchfilter`). */
export const ldapFilter = checked(parseFilterTemplate);
/** LDAP: an attribute mapping expression (Semaphore's `ldap_mappings.*`). */
export const ldapMapping = checked(parseMapping);

/** A 256-bit key (SEMAUTH_SECRET_KEY): checked at load, never repeated in a message. */
export function key256(decode: (text: string) => unknown): Parser<string> {
  return checked(decode, true);
}
