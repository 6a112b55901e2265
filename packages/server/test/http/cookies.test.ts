/** Reading the session cookie: the usual header and every lenient form clients send, and nothing else. */
import { describe, expect, it } from 'vitest';
import { readSessionCookie } from '../../src/http/cookies.js';

const value = `${'a'.repeat(16)}.${'B'.repeat(32)}`;

describe('readSessionCookie', () => {
  it.each([
    ['the cookie alone', `semaphore=${value}`],
    ['among other cookies', `theme=dark; semaphore=${value}; lang=en`],
    ['an echoed Set-Cookie line', `semaphore=${value}; Path=/; HttpOnly; SameSite=Lax`],
    ['quoted', `semaphore="${value}"`],
    ['a bare value', value],
    ['after a malformed semaphore cookie', `semaphore=nope; semaphore=${value}`],
  ])('finds the value in %s', (_name, header) => {
    expect(readSessionCookie(header)).toBe(value);
  });

  it.each([
    ['no header', undefined],
    ['another cookie of the same length', `semaphorx=${value}`],
    ['the web UI marker only', 'ui_semaphore=1'],
    ['a value one character short', `semaphore=${value.slice(1)}`],
    ['a value of the right length with a bad character', `semaphore=${value.slice(0, -1)}!`],
    ['a value with no dot', `semaphore=${value.replace('.', 'x')}`],
  ])('finds nothing in %s', (_name, header) => {
    expect(readSessionCookie(header)).toBeNull();
  });
});
