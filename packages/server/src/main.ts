/**
 * The server process, given a loaded config: open storage → migrate →
 * buildApp → warn of identity conflicts → bootstrap the first admin → start maintenance → listen → stop
 * cleanly on SIGTERM/SIGINT.
 */
import type { FastifyBaseLogger } from 'fastify';
import { buildApp, apiPrefix } from './app.js';
import { configWarnings } from './config/load.js';
import type { Config } from './config/schema.js';
import { createServices } from './services/index.js';
import { describeIdentityConflicts } from './services/users.js';
import type { MaintenanceResult } from './services/maintenance.js';
import { openStorage } from './storage/open.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, opts: { handleSignals?: boolean } = {}): Promise<RunningServer> {
  let createdFile: string | undefined;
  // The logger comes with the app, after storage: until then there is nothing to report.
  let log: FastifyBaseLogger | undefined;
  let leaseLost = false;
  const storage = await openStorage(config, {
    create: true,
    onCreated: (file) => (createdFile = file),
    onAuthSignal(up, error) {
      if (!up) log?.warn({ err: { message: error?.message } }, 'auth cache: lease lost; authenticating from the database until it is taken again');
      else if (leaseLost) log?.info('auth cache: lease taken again; serving from the cache');
      leaseLost = !up;
    },
  });
  try {
    await storage.migrate();
  } catch (e) {
    await storage.close().catch(() => {});
    throw e;
  }
  const services = createServices(storage, config);
  try {
    // Read now, so that an unreadable client_secret_file stops the start instead of the first sign-in.
    services.oidc?.checkCredentials();
  } catch (e) {
    await storage.close().catch(() => {});
    throw e;
  }
  const app = buildApp(config, { services });
  log = app.log;
  for (const w of configWarnings(config)) app.log.warn(w);
  if (createdFile !== undefined) app.log.info({ file: createdFile }, 'created a new SQLite database (SEMAPHORE_DB_HOST)');
  const conflicts = await services.users.identityConflicts();
  if (conflicts.length > 0) {
    // Safe meanwhile (a shared login or e-mail signs in nobody), but those users need an operator.
    app.log.warn(
      { identity_conflicts: describeIdentityConflicts(conflicts) },
      'logins or e-mails shared by several accounts (made before they were compared regardless of case and Unicode form) sign in nobody until all but one account is renamed: see `semauth migrate`',
    );
  }

  const boot = await services.users.bootstrapAdmin(config.adminPassword, { address: 'bootstrap', userAgent: null });
  if (boot.created && boot.generated) {
    // Printed once, on stderr rather than through the logger, so it never lands in shipped logs.
    process.stderr.write(
      `\nsemauth: created user "admin" with password: ${boot.password}\n` +
        'semauth: it is shown only this once — change it with `npx semauth user change-by-login --login admin --password-stdin`.\n\n',
    );
  } else if (boot.created) {
    app.log.info('created user "admin" with the password from SEMAUTH_ADMIN_PASSWORD');
  }
  // Housekeeping (audit retention, ended throttling windows, dead sessions):
  // once now, then on a timer for as long as the server runs.
  const report = (r: MaintenanceResult | Error) => {
    if (r instanceof Error) app.log.warn({ err: { message: r.message } }, 'maintenance failed');
    else if (r.audit + r.throttle + r.sessions + r.oidcStates > 0) app.log.info({ pruned: r }, 'maintenance pruned old rows');
  };
  report(await services.maintenance.runOnce());
  services.maintenance.start(config.maintenanceIntervalSeconds * 1000, report);

  let address: string;
  try {
    address = await app.listen({ host: config.interface, port: config.port });
  } catch (e) {
    await services.maintenance.stop();
    await storage.close().catch(() => {});
    throw e;
  }
  app.log.info({ url: `${address}${apiPrefix(config)}`, web: `${address}${config.webRoot.prefix}/` }, 'semauth listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stop accepting, let in-flight requests finish, then release the database.
      await services.maintenance.stop();
      await app.close();
      await storage.close();
    })());

  if (opts.handleSignals) {
    if (config.debugStats) {
      // Opt-in counters for bench/ (writes per request, requests per auth cache look): stderr only, on request.
      const { stats } = storage;
      process.on('SIGUSR2', () => process.stderr.write(`semauth-stats ${JSON.stringify({ writes: stats.writes, cache_looks: stats.cacheLooks })}\n`));
    }
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        app.log.info({ signal }, 'shutting down');
        close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    }
  }
  return { url: address, close };
}
