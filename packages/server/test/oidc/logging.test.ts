/** What the request log keeps of an OIDC callback: never the code or the state, whatever they look like. */
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/logger.js';

describe('redactUrl on OIDC callbacks', () => {
  it.each([
    ['a short code', '/api/auth/oidc/kc/redirect?state=st8&code=short1&iss=x', ['st8', 'short1']],
    ['a dotted code, on a callback path', '/api/auth/oidc/kc/redirect/project/7?code=a1b2.c3d4.e5f6&session_state=x.y', ['a1b2', 'c3d4', 'e5f6', 'x.y']],
    ['an error answer', '/api/auth/oidc/kc/redirect?error=denied&state=s1', ['s1']],
  ])('%s', (_what, url, secrets) => {
    const logged = redactUrl(url);
    for (const secret of secrets) expect(logged).not.toContain(secret);
    expect(logged).toMatch(/(code|state)=\[redacted\]/);
    expect(logged.startsWith('/api/auth/oidc/kc/redirect')).toBe(true);
  });
});
