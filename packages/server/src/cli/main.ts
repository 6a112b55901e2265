/**
 * The `semauth` command line. One top-level error handler: expected failures
 * (bad config, unknown user, bad flags) print one line and exit 1.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/parsers.js';
import { AppError } from '../errors.js';
import { auditCommand } from './commands/audit.js';
import { migrateCommand } from './commands/migrate.js';
import { serverCommand } from './commands/server.js';
import { userCommands } from './commands/user.js';
import { CliError } from './context.js';

export function buildProgram(): Command {
  const program = new Command('semauth')
    .description('Semaphore-compatible authentication service')
    .option('--config <file>', 'config.json to read (also $SEMAUTH_CONFIG); environment variables win over it')
    .showHelpAfterError()
    .exitOverride();
  serverCommand(program);
  migrateCommand(program);
  userCommands(program);
  auditCommand(program);
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
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof AppError || e instanceof ConfigError || e instanceof CliError) {
      process.stderr.write(`semauth: ${e.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'EADDRINUSE') {
      process.stderr.write(`semauth: ${err.message} (is another server running? set SEMAPHORE_PORT)\n`);
      return 1;
    }
    if (err?.code && /^(SQLITE_|ECONN|ENOTFOUND|28P01|3D000)/.test(err.code)) {
      process.stderr.write(`semauth: database error: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`semauth: unexpected error: ${err?.stack ?? String(e)}\n`);
    return 1;
  }
}
