/** `semauth server --help` lists every setting from the config schema: what to type and what it does. */
import { describe, expect, it } from 'vitest';
import { settings } from '../../src/config/schema.js';
import { ok } from './run.js';

describe('semauth server --help', () => {
  it('names every setting with its environment variables, config key, default and description', async () => {
    const { stdout } = await ok(['server', '--help']);
    expect(stdout).toContain('Settings (');
    for (const s of Object.values(settings)) {
      const line = stdout.split('\n').find((l) => l.includes(`config key ${s.key}`));
      expect(line, `${s.key} is not listed`).toBeDefined();
      for (const name of s.env) expect(line).toContain(name);
      if ('secret' in s && s.secret) expect(line).toContain('(secret)');
      else if (s.shownDefault !== '') expect(line).toContain(`(default: ${s.shownDefault})`);
      // The first words of the description, as plain text.
      expect(stdout.replace(/\s+/g, ' ')).toContain(s.doc.replace(/`/g, '').split(' ').slice(0, 4).join(' '));
    }
    // What an operator types, not the parsed value.
    expect(stdout).toMatch(/SEMAUTH_TRUST_PROXY, config key trust_proxy \(default: false\)/);
    expect(stdout).not.toContain('admin-password');
  });
});
