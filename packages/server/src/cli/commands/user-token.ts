/** `semauth user token create|list|revoke` — API tokens for a user, from the shell. */
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { tokenJson } from '../../http/presenters.js';
import { CLI_CONTEXT } from '../../services/context.js';
import { parseDuration } from '../../time.js';
import { CliError, type GlobalOptions, print, withServices } from '../context.js';

const LATEST_EXPIRY = Date.UTC(9999, 11, 31, 23, 59, 59);

export function tokenCommands(user: Command): void {
  const token = user.command('token').description("manage a user's API tokens");

  token
    .command('create')
    .description('create an API token and print it (shown only this once)')
    .requiredOption('--login <login>', 'owner (login or e-mail)')
    .option('--name <name>', 'a label for the token', '')
    .option('--ttl <duration>', 'lifetime such as 90m, 24h, 30d; none by default')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      let expiresAt: number | null = null;
      if (opts.ttl !== undefined) {
        const ms = parseDuration(opts.ttl);
        if (ms === null) throw new CliError(`--ttl: "${opts.ttl}" is not a duration like 90m, 24h or 30d`);
        expiresAt = Date.now() + ms;
        // Beyond this no date-time can be written (RFC 3339 has four-digit years).
        if (expiresAt > LATEST_EXPIRY) throw new CliError(`--ttl: "${opts.ttl}" ends after the year 9999`);
      }
      await withServices(cmd.optsWithGlobals<GlobalOptions>(), async (s) => {
        const u = await s.users.get(opts.login);
        const { secret, record } = await s.tokens.create(u, { name: opts.name, expiresAt }, CLI_CONTEXT);
        print(tokenJson(record, secret, false, true), opts.json, () => secret);
      });
    });

  token
    .command('list')
    .description("list a user's API tokens (ids are the first 8 characters)")
    .requiredOption('--login <login>', 'owner (login or e-mail)')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      await withServices(cmd.optsWithGlobals<GlobalOptions>(), async (s) => {
        const u = await s.users.get(opts.login);
        const tokens = await s.tokens.list(u.id);
        const json = tokens.map((t) => tokenJson(t, t.prefix, s.tokens.isExpired(t), true));
        print(json, opts.json, () =>
          json.map((t) => `${t.id}\t${t.created}\t${t.expired ? 'expired' : 'active'}\t${t.expires_at ?? 'no expiry'}\t${t.name}`).join('\n') || '(no tokens)',
        );
      });
    });

  token
    .command('revoke')
    .description("revoke one of a user's API tokens, on every server instance")
    .requiredOption('--login <login>', 'owner (login or e-mail)')
    .requiredOption('--id <id>', 'the token: its 8-character id from `user token list` (the whole token works too)')
    .action(async (opts, cmd: Command) => {
      await withServices(cmd.optsWithGlobals<GlobalOptions>(), async (s) => {
        const u = await s.users.get(opts.login);
        // Named by its listed id only: a whole token given here is a secret.
        const shown = String(opts.id).slice(0, 8);
        await s.tokens.revoke(u, opts.id, CLI_CONTEXT).catch((e: unknown) => {
          if (!(e instanceof AppError)) throw e;
          if (e.code === 'TOKEN_NOT_FOUND') throw new CliError(`${u.username} has no API token "${shown}" (see \`semauth user token list\`)`);
          if (e.code === 'TOKEN_AMBIGUOUS') throw new CliError(`"${shown}" names several of ${u.username}'s tokens: give the whole token`);
          throw e;
        });
        process.stdout.write(`token ${shown} of ${u.username} revoked\n`);
      });
    });
}
