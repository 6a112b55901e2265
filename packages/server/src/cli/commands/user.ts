/** `semauth user add|list|get|change-by-login|delete` — Semaphore's verbs. */
import { Command } from 'commander';
import { AppError } from '../../errors.js';
import { userJson } from '../../http/presenters.js';
import { CLI_CONTEXT } from '../../services/context.js';
import type { UserChanges } from '../../services/users.js';
import type { UserRecord } from '../../storage/types.js';
import { CliError, type GlobalOptions, PASSWORD_ENV, print, readPassword, withServices } from '../context.js';
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

/** The store only knows "login or e-mail taken"; say which values collided. */
function explainDuplicate(e: unknown, login: string | undefined, email: string | undefined): never {
  if (e instanceof AppError && e.code === 'USER_EXISTS') {
    const taken = [login !== undefined && `login "${login}"`, email !== undefined && `e-mail "${email}"`].filter(Boolean).join(' or ');
    throw new CliError(`a user with ${taken} already exists (logins and e-mails are unique regardless of case)`);
  }
  throw e;
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
    .option('--password <password>', `password (visible in the process list: prefer --password-stdin or ${PASSWORD_ENV})`)
    .option('--password-stdin', 'read the password from standard input')
    .option('--admin', 'make the user an administrator')
    .option('--external', 'an LDAP/OIDC user: has no local password and cannot log in with one')
    .action(async (opts, cmd: Command) => {
      if (opts.external && (opts.password !== undefined || opts.passwordStdin)) {
        throw new CliError('an --external user signs in through LDAP/OIDC and has no local password: drop --password/--password-stdin');
      }
      // An external user ignores a $SEMAUTH_USER_PASSWORD left in the environment.
      const password = opts.external ? undefined : await readPassword(opts, true);
      if (!opts.external && password === undefined) {
        throw new CliError(`a password is required: --password, --password-stdin or ${PASSWORD_ENV} (or --external)`);
      }
      await withServices(globals(cmd), async (s) => {
        const u = await s.users
          .add({ login: opts.login, name: opts.name, email: opts.email, password, admin: !!opts.admin, external: !!opts.external }, CLI_CONTEXT)
          .catch((e: unknown) => explainDuplicate(e, opts.login, opts.email));
        process.stdout.write(`user ${u.username} added (id ${u.id})\n`);
      });
    });

  user
    .command('list')
    .description('list users (tab-separated: id, login, e-mail, name, [flags])')
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
    .option('--login <login>', 'the user, by login')
    .option('--email <email>', 'the user, by e-mail')
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
    .option('--name <name>', 'new display name')
    .option('--email <email>', 'new e-mail')
    .option('--password <password>', 'new password (visible in the process list: prefer --password-stdin)')
    .option('--password-stdin', 'read the new password from standard input')
    .option('--password-from-env', `take the new password from ${PASSWORD_ENV}`)
    .option('--admin', 'make administrator')
    .option('--no-admin', 'remove administrator rights')
    .option('--disable', 'refuse logins, sessions and tokens of this user')
    .option('--enable', 'undo --disable')
    .action(async (opts, cmd: Command) => {
      if (opts.disable && opts.enable) throw new CliError('use either --disable or --enable');
      const sources = [opts.password !== undefined, !!opts.passwordStdin, !!opts.passwordFromEnv].filter(Boolean).length;
      if (sources > 1) throw new CliError('give the new password once: --password, --password-stdin or --password-from-env');
      // $SEMAUTH_USER_PASSWORD only on request: a variable left in the shell
      // must not silently reset the password of every user changed later.
      const password = await readPassword(opts, !!opts.passwordFromEnv);
      if (opts.passwordFromEnv && password === undefined) throw new CliError(`--password-from-env: ${PASSWORD_ENV} is not set`);
      // Only the fields asked for: the audit entry lists the keys it is given.
      const changes: UserChanges = Object.fromEntries(
        Object.entries({
          login: opts.newLogin as string | undefined,
          name: opts.name as string | undefined,
          email: opts.email as string | undefined,
          password,
          admin: cmd.getOptionValueSource('admin') === 'cli' ? !!opts.admin : undefined,
          disabled: opts.disable ? true : opts.enable ? false : undefined,
        }).filter(([, v]) => v !== undefined),
      );
      const changed = Object.keys(changes);
      if (changed.length === 0) {
        throw new CliError('nothing to change: give --new-login, --name, --email, a password, --admin/--no-admin or --disable/--enable');
      }
      await withServices(globals(cmd), async (s) => {
        const { user: u } = await s.users.change(opts.login, changes, CLI_CONTEXT).catch((e: unknown) => explainDuplicate(e, opts.newLogin, opts.email));
        const note = password !== undefined ? ' (their sessions were ended)' : '';
        process.stdout.write(`user ${u.username} changed: ${changed.join(', ')}${note}\n`);
      });
    });

  user
    .command('delete')
    .description('delete a user with all their sessions and tokens')
    .option('--login <login>', 'the user, by login')
    .option('--email <email>', 'the user, by e-mail')
    .action(async (opts, cmd: Command) => {
      await withServices(globals(cmd), async (s) => {
        const u = await s.users.delete(loginOrEmail(opts), CLI_CONTEXT);
        process.stdout.write(`user ${u.username} deleted\n`);
      });
    });

  tokenCommands(user);
}
