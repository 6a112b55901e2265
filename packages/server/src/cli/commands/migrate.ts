import type { Command } from 'commander';
import { type GlobalOptions, withServices } from '../context.js';

export function migrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .action(async (_opts, cmd: Command) => {
      await withServices(cmd.optsWithGlobals<GlobalOptions>(), async (_s, storage) => {
        process.stdout.write(`database (${storage.dialect}) is up to date\n`);
      });
    });
}
