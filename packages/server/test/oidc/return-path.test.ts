/** Where a browser may be sent after an OIDC sign-in: same-site paths only (auth-methods/oidc/return-path.ts). */
import { describe, expect, it } from 'vitest';
import { sameSitePath } from '../../src/auth-methods/oidc/return-path.js';

describe('sameSitePath', () => {
  it.each([
    ['/', '/'],
    ['/tokens', '/tokens'],
    ['/project/3/history?x=1&y=%2F', '/project/3/history?x=1&y=%2F'],
    ['/a/../b', '/b'],
    ['/a/%2e%2e/b', '/b'],
    ['/..', '/'],
    ['/../../etc', '/etc'],
    ['/..//evil.example', '/evil.example'],
    ['/x//y///z', '/x/y/z'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/tökens', '/t%C3%B6kens'],
    ['/a b', '/a%20b'],
    ['/#frag', '/'],
  ])('%j → %j', (raw, expected) => {
    expect(sameSitePath(raw)).toBe(expected);
  });

  it.each([
    '', 'tokens', './tokens', '//evil.example', '///evil.example', '/\\evil.example', '\\\\evil.example', '\\/evil.example',
    'https://evil.example', 'https:evil.example', 'javascript:alert(1)', 'data:text/html,x', '/\t/evil.example', '/x\r\nSet-Cookie: a=b',
    '/x\u0000', '/x\u0085', `/${'a'.repeat(2048)}`,
  ])('%j is refused', (raw) => {
    expect(sameSitePath(raw)).toBeNull();
  });

  it('never gives a value that a browser reads as another origin', () => {
    for (const raw of ['/..//evil', '/.//evil', '/%2e%2e//evil', '/a/..//..//evil', '/ /evil', '/%09/evil']) {
      const path = sameSitePath(raw);
      if (path === null) continue;
      expect(new URL(path, 'https://semaphore.example.org').origin).toBe('https://semaphore.example.org');
      expect(path).toMatch(/^\/(?!\/)/);
    }
  });
});
