/**
 * `semauth server --help` lists every setting, from the one config schema:
 * what the operator types (environment variable, config.json key, default)
 * and what it does. docs/configuration.md is the same list as a table.
 */
import { settings, type Setting } from '../config/schema.js';

const WIDTH = 100;
const INDENT = '      ';

/** Markdown code spans read as plain text on a terminal. */
function plain(text: string): string {
  return text.replace(/`([^`]*)`/g, '$1');
}

function wrap(text: string, indent: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

function describe(s: Setting<unknown>): string[] {
  const names = [...s.env, `config key ${s.key}`].join(', ');
  const shown = s.secret ? ' (secret)' : s.shownDefault === '' ? '' : ` (default: ${s.shownDefault})`;
  return [`  ${names}${shown}`, ...wrap(plain(s.doc), INDENT, WIDTH)];
}

export function settingsHelp(): string {
  const entries = (Object.values(settings) as Setting<unknown>[]).flatMap(describe);
  return [
    '',
    'Settings (environment variables win over the config.json given with --config; an empty value counts as unset):',
    ...entries,
    '',
  ].join('\n');
}
