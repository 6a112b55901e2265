import type { Command } from 'commander';
import { startServer } from '../../main.js';
import { cliConfigWithSource, type GlobalOptions, withConfigInErrors } from '../context.js';
import { settingsHelp } from '../settings-help.js';

export function serverCommand(program: Command): void {
  program
    .command('server')
    .description('run the HTTP service (migrates the database first)')
    .addHelpText('after', settingsHelp)
    .action(async (_opts, cmd: Command) => {
      const { config, file } = cliConfigWithSource(cmd.optsWithGlobals<GlobalOptions>());
      await withConfigInErrors(config, () => startServer(config, { handleSignals: true, configFile: file }));
      // Keep running: the listening socket holds the process open.
      await new Promise(() => {});
    });
}
