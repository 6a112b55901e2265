/** `semauth migrate` — apply pending migrations, and say what an operator must fix by hand. */
import type { Command } from 'commander';
import { describeIdentityConflicts } from '../../services/users.js';
import { type GlobalOptions, withServices } from '../context.js';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .action(async (_opts, cmd: Command) => {
      await withServices(cmd.optsWithGlobals<GlobalOptions>(), async (s, storage) => {
        process.stdout.write(`database (${storage.dialect}) is up to date\n`);
        const conflicts = await s.users.identityConflicts();
        if (conflicts.length > 0) process.stderr.write(conflictWarning(conflicts.length, describeIdentityConflicts(conflicts)));
      }, { create: true });
    });
}

/**
 * The migration succeeded and is safe to run on (a shared value signs in
 * nobody), so this is a warning, not a failure; but it names every account
 * involved and the commands that settle it.
 */
function conflictWarning(count: number, { shared, fixes }: ReturnType<typeof describeIdentityConflicts>): string {
  return [
    `semauth: warning: ${count} login${count === 1 ? '' : 's'} or e-mail${count === 1 ? ' is' : 's are'} shared by several accounts, made before logins and e-mails were compared regardless of case and Unicode form:`,
    ...shared.map((line) => `  ${line}`),
    'semauth: a shared login or e-mail signs in none of its accounts (each still signs in by its own e-mail or login) until all accounts but one are renamed, e.g.:',
    ...fixes.map((line) => `  ${line}`),
    '',
  ].join('\n');
}
