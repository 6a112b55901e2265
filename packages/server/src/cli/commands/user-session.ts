/** `semauth user session list|revoke` — a user's cookie sessions, from the shell (e.g. after a leak). */
import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { sessionJson } from '../../http/presenters.js';
import { CLI_CONTEXT } from '../../services/context.js';
import { CliError, type GlobalOptions, print, withServices } from '../context.js';

export function sessionCommands(user: Command): void {
  const session = user.command('session').description("list or end a user's sessions");

  session
    .command('list')
    .description("list a user's live sessions, newest first (ids are public, never the cookie's secret)")
    .requiredOption('--login <login>', 'the user (login or e-mail)')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      await withServices(cmd.optsWithGlobals<GlobalOptions>(), async (s) => {
        const u = await s.users.get(opts.login);
        const json = (await s.sessions.listLive(u.id)).map(sessionJson);
        const line = (x: (typeof json)[number]) => [x.id, x.created, x.last_active, x.expires, x.address ?? '-', x.user_agent ?? '-'].join('\t');
        print(json, opts.json, () => json.map(line).join('\n') || '(no sessions)');
      });
    });

  session
    .command('revoke')
    .description("end one of a user's sessions, or all of them, on every server instance")
    .requiredOption('--login <login>', 'the user (login or e-mail)')
    .option('--id <id>', 'the session to end (an id from `user session list`)')
    .option('--all', 'end every session of the user')
    .action(async (opts, cmd: Command) => {
      if ((opts.id === undefined) === !opts.all) throw new CliError('give either --id or --all');
      await withServices(cmd.optsWithGlobals<GlobalOptions>(), async (s) => {
        const u = await s.users.get(opts.login);
        if (opts.all) {
          const n = await s.sessions.endAll(u, CLI_CONTEXT);
          process.stdout.write(`${n} session${n === 1 ? '' : 's'} of ${u.username} ended\n`);
          return;
        }
        await s.sessions.end(u, opts.id, CLI_CONTEXT).catch((e: unknown) => {
          if (e instanceof AppError && e.code === 'SESSION_NOT_FOUND') {
            throw new CliError(`${u.username} has no live session "${opts.id}" (see \`semauth user session list\`)`);
          }
          throw e;
        });
        process.stdout.write(`session ${opts.id} of ${u.username} ended\n`);
      });
    });
}
