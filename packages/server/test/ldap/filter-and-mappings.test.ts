/**
 * The pure parts of LDAP sign-in: RFC 4515 escaping of the login, Semaphore's
 * filter templates, attribute mappings and `host:port`. (The whole flow is
 * proved against slapd in sign-in.test.ts.)
 */
import { FilterParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { buildFilter, escapeFilterValue, parseFilterTemplate } from '../../src/auth-methods/ldap/filter.js';
import { entryValues, mapValue, mappingAttributes, parseMapping } from '../../src/auth-methods/ldap/mappings.js';
import { parseServerAddress } from '../../src/auth-methods/ldap/server-address.js';

describe('escapeFilterValue (RFC 4515 §3)', () => {
  it.each([
    ['*', '\\2a'],
    ['(', '\\28'],
    [')', '\\29'],
    ['\\', '\\5c'],
    ['\u0000', '\\00'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['alic\\65', 'alic\\5c65'],
  ])('%j → %j', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });

  it('leaves everything else alone, non-ASCII included', () => {
    expect(escapeFilterValue('José.Müller-ßø@例え.jp =~<>&|!')).toBe('José.Müller-ßø@例え.jp =~<>&|!');
  });

  it('makes any login a single equality value: the parsed filter compares exactly what was typed', () => {
    const template = parseFilterTemplate('(&(objectClass=inetOrgPerson)(uid=%s))');
    for (const login of ['*', 'ali*', '*)(uid=*', 'admin)(|(uid=*', 'a\u0000b', 'x\\2a', '((', '))', 'Zoë']) {
      const parsed = FilterParser.parseString(buildFilter(template, login)) as unknown as { filters: { attribute: string; value: string }[] };
      expect(parsed.filters).toHaveLength(2);
      expect(parsed.filters[1]).toMatchObject({ attribute: 'uid', value: login });
    }
  });
});

describe('parseFilterTemplate (Go format strings, as Semaphore writes them)', () => {
  it.each([
    ['(uid=%s)', 'bob', '(uid=bob)'],
    ['(|(uid=%[1]s)(mail=%[1]s))', 'bob', '(|(uid=bob)(mail=bob))'],
    ['(uid=%v)', 'bob', '(uid=bob)'],
    ['(&(uid=%s)(description=100%%))', 'bob', '(&(uid=bob)(description=100%))'],
  ])('%s', (template, login, filter) => {
    expect(buildFilter(parseFilterTemplate(template), login)).toBe(filter);
  });

  it.each([
    ['(uid=bob)', /must contain %s/],
    ['(uid=%d)', /not understood/],
    ['(uid=%s', /not a valid LDAP filter/],
    ['(uid=%s)%', /not understood/],
  ])('refuses %j', (template, message) => {
    expect(() => parseFilterTemplate(template)).toThrow(message);
  });
});

describe('mappings', () => {
  const values = entryValues({ dn: 'uid=x,dc=example,dc=org', UID: ['Alice'], mail: [], cn: 'Alice L', sn: Buffer.from('Liddell'), empty: '  ' });

  it('reads first values by attribute name, case-insensitively, skipping empty ones', () => {
    expect([...values.entries()]).toEqual([
      ['uid', 'Alice'],
      ['cn', 'Alice L'],
      ['sn', 'Liddell'],
    ]);
    expect(mapValue(parseMapping('uid'), values)).toBe('Alice');
  });

  it('takes the first alternative that has a value', () => {
    expect(mapValue(parseMapping('mail | userPrincipalName | {{ .uid }}@example.org'), values)).toBe('Alice@example.org');
    expect(mapValue(parseMapping('displayName|sn'), values)).toBe('Liddell');
    expect(mapValue(parseMapping('mail'), values)).toBeUndefined();
  });

  it('fills templates only when every attribute they name is there', () => {
    expect(mapValue(parseMapping('{{ .givenName }} {{ .sn }} | cn'), values)).toBe('Alice L');
    expect(mapValue(parseMapping('{{.cn}} ({{ .uid }})'), values)).toBe('Alice L (Alice)');
  });

  it('asks the directory for every attribute it may read', () => {
    expect(mappingAttributes(parseMapping('mail | {{ .uid }}@{{ .o }}'))).toEqual(['mail', 'uid', 'o']);
  });

  it.each(['', ' | ', 'mail address', '{{ .uid | lower }}', '{{ index . "uid" }}', 'a{{', '$(id)'])('refuses %j', (expression) => {
    expect(() => parseMapping(expression)).toThrow();
  });
});

describe('parseServerAddress (Semaphore: host:port)', () => {
  it.each([
    ['ldap.example.org:389', { host: 'ldap.example.org', port: 389 }],
    ['ldap.example.org', { host: 'ldap.example.org', port: null }],
    ['127.0.0.1:636', { host: '127.0.0.1', port: 636 }],
    ['[2001:db8::1]:636', { host: '2001:db8::1', port: 636 }],
    [' dc1:3268 ', { host: 'dc1', port: 3268 }],
  ])('%j', (text, address) => {
    expect(parseServerAddress(text)).toEqual(address);
  });

  it.each(['ldap://ldap.example.org:389', 'ldaps://x', 'host:0', 'host:70000', 'host:port', 'a b:389', '2001:db8::1', 'host/path'])('refuses %j', (text) => {
    expect(() => parseServerAddress(text)).toThrow();
  });
});
