/**
 * `semauth user totp show|disable` — a user's two-factor sign-in, from the
 * shell: the way back for a user who lost both their phone and their
 * recovery codes. Neither needs the secret key: nothing secret is read.
 */
import type { Command } from 'commander';
import { CLI_CONTEXT } from '../../services/context.js';
import { type GlobalOptions, print, withServices } from '../context.js';

export function totpCommands(user: Command): void {
  const totp = user.command('totp').description("show or turn off a user's two-factor sign-in (TOTP)");

  totp
    .command('show')
    .description("whether a user has TOTP on (or an enrolment pending), since when, and how many recovery codes are left; never the secret")
    .requiredOption('--login <login>', 'the user (login or e-mail)')
    .option('--json', 'print JSON')
    .action(async (opts, cmd: Command) => {
      await withServices(cmd.optsWithGlobals<GlobalOptions>(), async (s) => {
        const u = await s.users.get(opts.login);
        const st = await s.totp.status(u);
        const json = { user: u.username, state: st.state, id: st.id, created: st.created, confirmed: st.confirmed, recovery_codes_left: st.recoveryCodesLeft };
        print(json, opts.json, () => {
          if (st.state === 'off') return `${u.username}: TOTP off`;
          if (st.state === 'pending') return `${u.username}: TOTP enrolment ${st.id} pending since ${st.created} (asks nothing at sign-in until confirmed)`;
          return `${u.username}: TOTP on since ${st.confirmed} (enrolment ${st.id}), ${st.recoveryCodesLeft} recovery code${st.recoveryCodesLeft === 1 ? '' : 's'} left`;
        });
      });
    });

  totp
    .command('disable')
    .description("turn off a user's TOTP (or cancel a pending enrolment): their password alone signs them in again, on every server instance")
    .requiredOption('--login <login>', 'the user (login or e-mail)')
    .action(async (opts, cmd: Command) => {
      await withServices(cmd.optsWithGlobals<GlobalOptions>(), async (s) => {
        const u = await s.users.get(opts.login);
        const removed = await s.totp.disableByOperator(u, CLI_CONTEXT);
        process.stdout.write(removed ? `TOTP of ${u.username} turned off\n` : `${u.username} has no TOTP: nothing to turn off\n`);
      });
    });
}
