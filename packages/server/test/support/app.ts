/**
 * An in-process semauth for one test: real database (fresh), real HTTP on a
 * loopback port, built with buildApp exactly as main.ts does — plus a clock
 * the test can move, for expiry rules.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import type { LogDestination } from '../../src/logger.js';
import type { Config } from '../../src/config/schema.js';
import { Metrics } from '../../src/metrics/registry.js';
import { createServices, type Services } from '../../src/services/index.js';
import { openStorage } from '../../src/storage/open.js';
import type { Storage } from '../../src/storage/types.js';
import { FAST_HASHING_ENV, freshDatabaseEnv } from './database.js';

export interface TestClock {
  (): number;
  advance(ms: number): void;
}

export function testClock(start = Date.now()): TestClock {
  let t = start;
  const clock = (() => t) as TestClock;
  clock.advance = (ms) => {
    t += ms;
  };
  return clock;
}

export interface TestApp {
  /** e.g. http://127.0.0.1:43123 */
  origin: string;
  /** origin + /api */
  api: string;
  app: FastifyInstance;
  config: Config;
  storage: Storage;
  services: Services;
  /** Set when SEMAUTH_METRICS is on: wired as main.ts wires them (cache counters included). */
  metrics: Metrics | undefined;
  clock: TestClock;
  env: Record<string, string>;
  close(): Promise<void>;
}

export const ADMIN_PASSWORD = 'admin-password-1';

export interface TestAppOptions {
  env?: Record<string, string>;
  dbEnv?: Record<string, string>;
  /** See AppDeps.webUiDir. */
  webUiDir?: string;
  /**
   * Wraps the Storage the app gets (after migrations and the admin
   * bootstrap), e.g. to inject a fault; `t.storage` stays the real one.
   */
  wrapStorage?: (storage: Storage) => Storage;
  /** Receives the app's log lines (JSON) instead of stdout; set SEMAUTH_LOG_LEVEL to get any. */
  logDestination?: LogDestination;
}

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const env = {
    ...(opts.dbEnv ?? (await freshDatabaseEnv())),
    ...FAST_HASHING_ENV,
    SEMAUTH_LOG_LEVEL: 'silent',
    SEMAUTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...opts.env,
  };
  const config = loadConfig({ env });
  const metrics = config.metrics ? new Metrics() : undefined;
  const storage = await openStorage(config, metrics?.storageObservers());
  await storage.migrate();
  const clock = testClock();
  let services = createServices(storage, config, clock);
  await services.users.bootstrapAdmin(config.adminPassword, { address: 'test', userAgent: null });
  // The services get the (possibly wrapped) storage; the app reaches storage only through them.
  const served = opts.wrapStorage ? opts.wrapStorage(storage) : storage;
  if (served !== storage) services = createServices(served, config, clock);
  metrics?.observe(services);
  const app = buildApp(config, {
    services,
    metrics,
    ...(opts.webUiDir !== undefined ? { webUiDir: opts.webUiDir } : {}),
    ...(opts.logDestination ? { logDestination: opts.logDestination } : {}),
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    origin: address,
    api: `${address}${config.webRoot.prefix}/api`,
    app,
    config,
    storage,
    services,
    metrics,
    clock,
    env,
    async close() {
      await app.close();
      await storage.close();
    },
  };
}
