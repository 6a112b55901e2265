/**
 * How CLI commands name a user: `--login` (a login or an e-mail, as
 * Semaphore's CLI takes it), `--email` (an e-mail only) or `--id`. Exactly
 * one: two selectors could name two users, and guessing which one was meant
 * once deleted the only administrator.
 */
import type { Command } from 'commander';
import type { UserSelector } from '../services/users.js';
import { CliError } from './errors.js';

export interface SelectorOptions {
  login?: string;
  email?: string;
  id?: string;
}

/** Adds the selector options to a command; `email` only where e-mail-only selection is offered. */
export function selectorOptions(cmd: Command, opts: { email: boolean }): Command {
  cmd.option('--login <login>', 'the user, by login or e-mail (case-insensitive)');
  if (opts.email) cmd.option('--email <email>', 'the user, by e-mail only (case-insensitive)');
  return cmd.option('--id <id>', 'the user, by id (as `user list` shows it)');
}

export function parseUserId(value: string): number {
  const id = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(id) || id < 1) throw new CliError(`--id: "${value}" is not a user id (a positive integer)`);
  return id;
}

/** The selector the options give; `offersEmail` says whether the command has `--email` (for the message). */
export function userSelector(opts: SelectorOptions, offersEmail: boolean): UserSelector {
  const given = (['login', 'email', 'id'] as const).filter((k) => opts[k] !== undefined).map((k) => `--${k}`);
  if (given.length === 0) throw new CliError(offersEmail ? 'give --login, --email or --id' : 'give --login or --id');
  if (given.length > 1) throw new CliError(`give only one of ${given.join(' and ')}: they could name different users`);
  if (opts.id !== undefined) return { id: parseUserId(opts.id) };
  return opts.email !== undefined ? { email: opts.email } : opts.login!;
}
