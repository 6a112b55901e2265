/**
 * The `semauth` command line. One top-level error handler: every failure
 * (bad config, unknown user, bad flags, database unreachable) prints one line
 * on stderr and exits non-zero. SEMAUTH_LOG_LEVEL=debug adds the stack of
 * unexpected errors.
 */
import { Command, CommanderError } from 'commander';
import { auditCommand } from './commands/audit.js';
import { healthcheckCommand } from './commands/healthcheck.js';
import { migrateCommand } from './commands/migrate.js';
import { serverCommand } from './commands/server.js';
import { userCommands } from './commands/user.js';
import { VERSION } from '../version.js';
import { describeError } from './errors.js';

export function buildProgram(): Command {
  const program = new Command('semauth')
    .description('Semaphore-compatible authentication service')
    .version(VERSION, '-V, --version', 'print the version')
    .option(
      '--config <file>',
      'config.json to read; else $SEMAPHORE_CONFIG_PATH, $SEMAUTH_CONFIG, or the first of ./config.json, ' +
        '/usr/local/etc/semaphore/config.json, /etc/semaphore/config.json; environment variables win over it',
    )
    // One line per error, like every other failure of the CLI (subcommands inherit this).
    .configureOutput({ outputError: (str, write) => write(`semauth: ${str.replace(/^error: /, '').trimEnd()} (see --help)\n`) })
    .exitOverride();
  serverCommand(program);
  migrateCommand(program);
  userCommands(program);
  auditCommand(program);
  healthcheckCommand(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.commands.forEach(function override(c: Command) {
    c.exitOverride();
    c.commands.forEach(override);
  });
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    // Commander has already printed its message (or the help / version).
    if (e instanceof CommanderError) return e.exitCode;
    process.stderr.write(`semauth: ${describeError(e)}\n`);
    if (/^(debug|trace)$/i.test(process.env.SEMAUTH_LOG_LEVEL ?? '')) {
      const cause = (e as Error)?.cause ?? e;
      process.stderr.write(`${(cause as Error)?.stack ?? String(cause)}\n`);
    }
    return 1;
  }
}
