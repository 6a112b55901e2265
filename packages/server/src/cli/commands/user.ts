/** `semauth user add|list|get|change-by-login|delete|unlock` — Semaphore's verbs, and a few a leaked credential needs. */
import type { Command } from 'commander';
import { userJson } from '../../http/presenters.js';
import { CLI_CONTEXT } from '../../services/context.js';
import type { ChangedField, UserChanges } from '../../services/users.js';
import type { UserRecord } from '../../storage/types.js';
import { CliError, type GlobalOptions, PASSWORD_ENV, print, readPassword, withServices } from '../context.js';
import { selectorOptions, userSelector } from '../user-selector.js';
import { sessionCommands } from './user-session.js';
import { tokenCommands } from './user-token.js';
import { totpCommands } from './user-totp.js';

function describe(u: UserRecord): string {
  const flags = [u.admin && 'admin', u.external && 'external', u.disabled && 'disabled'].filter(Boolean).join(',');
  return `${u.id}\t${u.username}\t${u.email}\t${u.name}${flags ? `\t[${flags}]` : ''}`;
}

/** How `change-by-login` reports a field that really changed. */
function describeChange(field: ChangedField, before: UserRecord, after: UserRecord): string {
  switch (field) {
    case 'login':
      return `login (was ${before.username})`;
    case 'email':
      return 'e-mail';
    case 'admin':
      return after.admin ? 'made administrator' : 'administrator rights removed';
    case 'disabled':
      return after.disabled ? 'disabled' : 'enabled';
    default:
      return field;
  }
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
        const u = await s.users.add({ login: opts.login, name: opts.name, email: opts.email, password, admin: !!opts.admin, external: !!opts.external }, CLI_CONTEXT);
        process.stdout.write(`user ${u.username} added (id ${u.id})\n`);
        // Provisioning users before the server's first start is a real workflow.
      }, { create: true });
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

  selectorOptions(user.command('get').description('show one user'), { email: true })
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      const selector = userSelector(opts, true);
      await withServices(globals(cmd), async (s, _st, config) => {
        const u = await s.users.get(selector);
        print(userJson(u, config.nonAdminCanCreateProject), opts.json, () => describe(u));
      });
    });

  const change = user.command('change-by-login').description("change a user's fields or password (a new password ends their sessions)");
  selectorOptions(change, { email: false })
    .option('--new-login <login>', 'rename the user')
    .option('--name <name>', 'new display name')
    .option('--email <email>', 'new e-mail')
    .option('--password <password>', 'new password (visible in the process list: prefer --password-stdin)')
    .option('--password-stdin', 'read the new password from standard input')
    .option('--password-from-env', `take the new password from ${PASSWORD_ENV}`)
    .option('--admin', 'make administrator')
    .option('--no-admin', 'remove administrator rights')
    .option('--disable', 'refuse logins of this user and end their sessions and API tokens')
    .option('--enable', 'undo --disable (their ended sessions and tokens stay ended)');
  // Commander lets the last of --admin/--no-admin win silently: notice both.
  const adminFlags = new Set<string>();
  change.on('option:admin', () => adminFlags.add('--admin'));
  change.on('option:no-admin', () => adminFlags.add('--no-admin'));
  change.action(async (opts, cmd: Command) => {
    // --email is the new e-mail here, not a selector.
    const selector = userSelector({ login: opts.login, id: opts.id }, false);
    if (adminFlags.size > 1) throw new CliError('use either --admin or --no-admin, not both');
    if (opts.disable && opts.enable) throw new CliError('use either --disable or --enable, not both');
    const sources = [opts.password !== undefined, !!opts.passwordStdin, !!opts.passwordFromEnv].filter(Boolean).length;
    if (sources > 1) throw new CliError('give the new password once: --password, --password-stdin or --password-from-env');
    // $SEMAUTH_USER_PASSWORD only on request: a variable left in the shell
    // must not silently reset the password of every user changed later.
    const password = await readPassword(opts, !!opts.passwordFromEnv);
    if (opts.passwordFromEnv && password === undefined) throw new CliError(`--password-from-env: ${PASSWORD_ENV} is not set`);
    const changes: UserChanges = Object.fromEntries(
      Object.entries({
        login: opts.newLogin as string | undefined,
        name: opts.name as string | undefined,
        email: opts.email as string | undefined,
        password,
        admin: adminFlags.size > 0 ? !!opts.admin : undefined,
        disabled: opts.disable ? true : opts.enable ? false : undefined,
      }).filter(([, v]) => v !== undefined),
    );
    if (Object.keys(changes).length === 0) {
      throw new CliError('nothing to change: give --new-login, --name, --email, a password, --admin/--no-admin or --disable/--enable');
    }
    await withServices(globals(cmd), async (s) => {
      const before = await s.users.get(selector);
      const { user: after, changed } = await s.users.change({ id: before.id }, changes, CLI_CONTEXT);
      if (changed.length === 0) {
        process.stdout.write(`user ${after.username} unchanged: it already had these values\n`);
        return;
      }
      const note = after.disabled && changed.includes('disabled')
        ? ' (their sessions and API tokens were ended)'
        : changed.includes('password')
          ? ' (their sessions were ended)'
          : '';
      process.stdout.write(`user ${after.username} changed: ${changed.map((f) => describeChange(f, before, after)).join(', ')}${note}\n`);
    });
  });

  selectorOptions(user.command('delete').description('delete a user with all their sessions and tokens (never the last enabled administrator)'), { email: true })
    .action(async (opts, cmd: Command) => {
      const selector = userSelector(opts, true);
      await withServices(globals(cmd), async (s) => {
        const u = await s.users.delete(selector, CLI_CONTEXT);
        process.stdout.write(`user ${u.username} deleted\n`);
      });
    });

  user
    .command('unlock')
    .description("clear a user's login throttling (failed attempts from every address)")
    .requiredOption('--login <login>', 'the user (login or e-mail)')
    .action(async (opts, cmd: Command) => {
      await withServices(globals(cmd), async (s) => {
        const { user: u, cleared } = await s.users.unlock(opts.login, CLI_CONTEXT);
        process.stdout.write(`user ${u.username} unlocked${cleared > 0 ? ` (${cleared} throttling counter${cleared === 1 ? '' : 's'} cleared)` : ': it had no failed logins counted'}\n`);
      });
    });

  tokenCommands(user);
  sessionCommands(user);
  totpCommands(user);
}
