/**
 * docs/configuration.md is generated from the built schema: this test
 * regenerates it and fails when the committed file differs. Fix with
 * `npm run build && node scripts/config-docs.mjs --write`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import { DOC_PATH, loadSettings, renderTable, withTable } from '../../../../scripts/config-docs.mjs';
import { settings } from '../../src/config/schema.js';
import { REPO_ROOT } from '../support/server-process.js';

describe('docs/configuration.md', () => {
  it('matches the table generated from the built schema', async () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    const regenerated = withTable(doc, renderTable(await loadSettings()));
    expect(doc, 'docs/configuration.md is out of date: run `npm run build && node scripts/config-docs.mjs --write`').toBe(regenerated);
  });

  it('lists every setting of the source schema, and no secret default', async () => {
    const table: string = renderTable(settings);
    for (const s of Object.values(settings)) {
      expect(table).toContain(`| \`${s.key}\` |`);
      for (const name of s.env) expect(table).toContain(`\`${name}\``);
    }
    const secrets = Object.values(settings).filter((s) => 'secret' in s && s.secret);
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) expect(table).toMatch(new RegExp(`\\| \`${s.key}\` \\|  \\|`));
    const fake = { key: 'x_secret', env: ['X_SECRET'], default: 'hunter2', secret: true, doc: 'A secret.', parse: String };
    expect(renderTable({ fake })).not.toContain('hunter2');
  });

  it('shows defaults as an operator types them, and the README agrees', () => {
    const table: string = renderTable(settings);
    expect(table).toContain('| `SEMAUTH_TRUST_PROXY` | `trust_proxy` | `false` |');
    // The README's short table: every row naming one variable and one default code span.
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z0-9_]+)` \| [^|]* \| `([^`]*)` \|/gm)];
    expect(rows.length).toBeGreaterThan(8);
    for (const [, env, shown] of rows) {
      const s = Object.values(settings).find((x) => (x.env as readonly string[]).includes(env!));
      expect(s, `README names ${env}, which the schema does not know`).toBeDefined();
      expect(shown, `README's default of ${env}`).toBe(s!.shownDefault);
    }
  });
});
