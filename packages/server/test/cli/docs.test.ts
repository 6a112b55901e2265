/** docs/cli.md documents every command and option of the real commander program, and nothing else. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { REPO_ROOT } from '../support/server-process.js';

const doc = readFileSync(join(REPO_ROOT, 'docs/cli.md'), 'utf8');

/** The text of the `## <heading>` section, up to the next `## `. */
function section(heading: string): string | undefined {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) return undefined;
  const next = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, next < 0 ? undefined : next);
}

/** Every command that runs something (groups like `user` only hold subcommands). */
function runnable(cmd: Command, prefix: string[] = []): Array<{ path: string; cmd: Command }> {
  return cmd.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    const self = c.commands.length === 0 ? [{ path: path.join(' '), cmd: c }] : [];
    return [...self, ...runnable(c, path)];
  });
}

const program = buildProgram();
const commands = runnable(program);

describe('docs/cli.md', () => {
  it('knows the commands of SPEC §7', () => {
    expect(commands.map((c) => c.path)).toEqual(
      expect.arrayContaining(['server', 'migrate', 'user add', 'user list', 'user get', 'user change-by-login', 'user delete', 'user token create', 'user token list']),
    );
  });

  it.each(commands.map((c) => [c.path, c.cmd] as const))('has a section for `semauth %s` with each of its options and an example', (path, cmd) => {
    const text = section(`\`semauth ${path}\``);
    expect(text, `docs/cli.md lacks a "## \`semauth ${path}\`" section`).toBeDefined();
    for (const option of cmd.options) {
      if (option.long === '--help') continue;
      expect(text, `docs/cli.md: semauth ${path} ${option.long} is not documented`).toContain(`\`${option.flags}\``);
    }
    // At least one example of the command itself.
    expect(text).toContain(`npx semauth ${path}`);
  });

  it('documents the global options', () => {
    const text = section('Global options')!;
    for (const option of program.options) {
      expect(text, `${option.long} is not documented`).toContain(`\`${option.long}`);
      if (option.short) expect(text).toContain(`\`${option.short}\``);
    }
  });

  it('has no section for a command that does not exist', () => {
    const documented = [...doc.matchAll(/^## `semauth ([^`]+)`$/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(commands.map((c) => c.path).sort());
  });
});
