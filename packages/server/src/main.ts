/**
 * The server process, given a loaded config: open storage → migrate →
 * buildApp → warn of identity conflicts → bootstrap the first admin → start
 * maintenance → listen (and the metrics listener, if any) → stop cleanly on
 * SIGTERM/SIGINT, within the shutdown deadline.
 */
import type { FastifyBaseLogger } from 'fastify';
import { buildApp, apiPrefix } from './app.js';
import { configWarnings } from './config/load.js';
import type { ConfigLocation } from './config/locate.js';
import type { Config } from './config/schema.js';
import { Metrics } from './metrics/registry.js';
import { listenMetrics, type MetricsListener } from './metrics/server.js';
import { createServices } from './services/index.js';
import { describeIdentityConflicts } from './services/users.js';
import type { MaintenanceResult } from './services/maintenance.js';
import { onStopRequest } from './stop-signals.js';
import { openStorage } from './storage/open.js';
import { VERSION } from './version.js';

export interface RunningServer {
  url: string;
  /** Where /metrics is served when it has a port of its own (SEMAUTH_METRICS_PORT). */
  metricsUrl: string | null;
  close(): Promise<void>;
}

export interface StartOptions {
  handleSignals?: boolean;
  /** The config file the settings were read from, for the start-up log line. */
  configFile?: ConfigLocation | null;
}

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const metrics = config.metrics ? new Metrics() : undefined;
  let createdFile: string | undefined;
  // The logger comes with the app, after storage: until then there is nothing to report.
  let log: FastifyBaseLogger | undefined;
  let leaseLost = false;
  const storage = await openStorage(config, {
    create: true,
    onCreated: (file) => (createdFile = file),
    ...metrics?.storageObservers(),
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
    // Likewise the key that seals TOTP secrets (SEMAUTH_SECRET_KEY[_FILE]).
    services.totp.checkKey();
  } catch (e) {
    await storage.close().catch(() => {});
    throw e;
  }
  metrics?.observe(services);
  const app = buildApp(config, { services, metrics });
  log = app.log;
  app.log.info(
    { version: VERSION, config_file: opts.configFile?.path ?? null, ...(opts.configFile ? { config_source: opts.configFile.source } : {}) },
    `semauth ${VERSION} starting (${opts.configFile ? `settings from ${opts.configFile.path} and the environment` : 'no config file: settings from the environment'})`,
  );
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
  let metricsListener: MetricsListener | undefined;
  try {
    address = await app.listen({ host: config.interface, port: config.port });
    if (metrics && config.metricsPort !== 0) metricsListener = await listenMetrics(metrics, config.interface, config.metricsPort);
  } catch (e) {
    await services.maintenance.stop();
    await app.close();
    await storage.close().catch(() => {});
    throw e;
  }
  app.log.info({ url: `${address}${apiPrefix(config)}`, web: `${address}${config.webRoot.prefix}/`, version: VERSION }, 'semauth listening');
  if (metricsListener) app.log.info({ url: `${metricsListener.url}/metrics` }, 'metrics listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stop accepting, let in-flight requests finish — until the deadline,
      // then close their connections — and only then release the database.
      await services.maintenance.stop();
      const deadlineMs = config.shutdownTimeoutSeconds * 1000;
      const deadline = setTimeout(() => {
        app.log.warn({ deadline_seconds: config.shutdownTimeoutSeconds }, 'shutdown deadline reached: closing the connections of requests still in flight');
        app.server.closeAllConnections();
      }, deadlineMs);
      try {
        await app.close();
      } finally {
        clearTimeout(deadline);
      }
      await metricsListener?.close();
      await storage.close();
    })());

  if (opts.handleSignals) {
    if (config.debugStats) {
      // Opt-in counters for bench/ (writes per request, requests per auth cache look): stderr only, on request.
      const { stats } = storage;
      process.on('SIGUSR2', () => process.stderr.write(`semauth-stats ${JSON.stringify({ writes: stats.writes, cache_looks: stats.cacheLooks })}\n`));
    }
    onStopRequest((reason) => {
      app.log.info({ signal: reason }, 'shutting down');
      // A last resort past the deadline: a handler still holding the database must not keep the process alive.
      setTimeout(() => {
        app.log.error('shutdown did not complete after the deadline: exiting');
        process.exit(1);
      }, config.shutdownTimeoutSeconds * 1000 + 5000).unref();
      close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  return { url: address, metricsUrl: metricsListener?.url ?? null, close };
}
