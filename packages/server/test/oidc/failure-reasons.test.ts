/** Every reason a failed OIDC sign-in comes back with is one the web UI explains in words. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { FAILURE_REASONS } from '../../src/auth-methods/oidc/failures.js';
import { REPO_ROOT } from '../support/server-process.js';

it('packages/web explains each of the server\'s ?error= reasons', () => {
  const page = readFileSync(join(REPO_ROOT, 'packages/web/src/pages/login.ts'), 'utf8');
  const table = /const OIDC_FAILURES[^{]*\{([^}]*)\}/.exec(page)?.[1] ?? '';
  const explained = [...table.matchAll(/^\s*([a-z_]+):/gm)].map((m) => m[1]);
  expect(explained.length).toBeGreaterThan(0);
  for (const reason of Object.keys(FAILURE_REASONS)) expect(explained, reason).toContain(reason);
});
