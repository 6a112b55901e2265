/** `semauth user add|list|get|change-by-login|delete` — Semaphore's verbs. */
import { Command } from 'commander';
import { userJson } from '../../http/presenters.js';
import { CLI_CONTEXT } from '../../services/context.js';
import type { UserRecord } from '../../storage/types.js';
import { CliError, type GlobalOptions, print, readPassword, withServices } from '../context.js';
import { tokenCommands } from './user-token.js';

function describe(u: UserRecord): string {
  const flags = [u.admin && 'admin', u.external && 'external', u.disabled && 'disabled'].filter(Boolean).join(',');
  return `${u.id}\t${u.username}\t${u.email}\t${u.name}${flags ? `\t[${flags}]` : ''}`;
}

function loginOrEmail(opts: { login?: string; email?: string }): string {
  const v = opts.login ?? opts.email;
  if (!v) throw new CliError('give --login or --email');
  return v;
}

export function userCommands(program: Command): void {
  const user = program.command('user').description('manage users');
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();

  user
    .command('add')
    .description('create a user')
    .requiredOption('--login <login>', 'user name (unique, case-insensitive)')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--email <email>', 'e-mail (unique, case-insensitive)')
    .option('--password <password>', 'password (prefer --password-stdin or SEMAUTH_USER_PASSWORD)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--admin', 'make the user an administrator')
    .option('--external', 'an LDAP/OIDC user: cannot log in with a local password')
    .action(async (opts, cmd: Command) => {
      const password = await readPassword(opts, !opts.external);
      await withServices(globals(cmd), async (s) => {
        const u = await s.users.add({ login: opts.login, name: opts.name, email: opts.email, password, admin: !!opts.admin, external: !!opts.external }, CLI_CONTEXT);
        process.stdout.write(`user ${u.username} added (id ${u.id})\n`);
      });
    });

  user
    .command('list')
    .description('list users')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      await withServices(globals(cmd), async (s, _st, config) => {
        const users = await s.users.list();
        print(users.map((u) => userJson(u, config.nonAdminCanCreateProject)), opts.json, () => users.map(describe).join('\n') || '(no users)');
      });
    });

  user
    .command('get')
    .description('show one user')
    .option('--login <login>')
    .option('--email <email>')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      await withServices(globals(cmd), async (s, _st, config) => {
        const u = await s.users.get(loginOrEmail(opts));
        print(userJson(u, config.nonAdminCanCreateProject), opts.json, () => describe(u));
      });
    });

  user
    .command('change-by-login')
    .description("change a user's fields or password (a new password ends their sessions)")
    .requiredOption('--login <login>', 'the user to change')
    .option('--new-login <login>', 'rename the user')
    .option('--name <name>')
    .option('--email <email>')
    .option('--password <password>')
    .option('--password-stdin', 'read the new password from standard input')
    .option('--admin', 'make administrator')
    .option('--no-admin', 'remove administrator rights')
    .option('--disable', 'refuse logins, sessions and tokens of this user')
    .option('--enable', 'undo --disable')
    .action(async (opts, cmd: Command) => {
      if (opts.disable && opts.enable) throw new CliError('use either --disable or --enable');
      const password = await readPassword(opts, false);
      await withServices(globals(cmd), async (s) => {
        const u = await s.users.change(
          opts.login,
          {
            login: opts.newLogin,
            name: opts.name,
            email: opts.email,
            password,
            admin: cmd.getOptionValueSource('admin') === 'cli' ? !!opts.admin : undefined,
            disabled: opts.disable ? true : opts.enable ? false : undefined,
          },
          CLI_CONTEXT,
        );
        process.stdout.write(`user ${u.username} changed\n`);
      });
    });

  user
    .command('delete')
    .description('delete a user with all their sessions and tokens')
    .option('--login <login>')
    .option('--email <email>')
    .action(async (opts, cmd: Command) => {
      await withServices(globals(cmd), async (s) => {
        const u = await s.users.delete(loginOrEmail(opts), CLI_CONTEXT);
        process.stdout.write(`user ${u.username} deleted\n`);
      });
    });

  tokenCommands(user);
}
