import type { Command } from 'commander';
import { startServer } from '../../main.js';
import { cliConfig, type GlobalOptions } from '../context.js';

export function serverCommand(program: Command): void {
  program
    .command('server')
    .description('run the HTTP service (migrates the database first)')
    .action(async (_opts, cmd: Command) => {
      await startServer(cliConfig(cmd.optsWithGlobals<GlobalOptions>()), { handleSignals: true });
      // Keep running: the listening socket holds the process open.
      await new Promise(() => {});
    });
}
