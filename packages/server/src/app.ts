/**
 * buildApp: the one place the HTTP application is assembled. It does not
 * listen; main.ts does, and tests build an app per test.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Config } from './config/schema.js';
import { errorBody } from './errors.js';
import { registerBodyParser } from './http/body-parser.js';
import { clientErrorHandler, expectationFailedHandler } from './http/client-errors.js';
import { registerDraining } from './http/draining.js';
import { registerErrorHandling } from './http/error-handler.js';
import { collectOpenApi } from './http/openapi.js';
import { oidcRoutes } from './auth-methods/oidc/routes.js';
import { totpRoutes } from './auth-methods/totp/routes.js';
import { REQUEST_ID_HEADER, requestIdGenerator } from './http/request-id.js';
import { authRoutes } from './http/routes/auth.js';
import type { RouteDeps } from './http/routes/deps.js';
import { healthRoutes } from './http/routes/health.js';
import { pingRoutes } from './http/routes/ping.js';
import { sessionRoutes } from './http/routes/sessions.js';
import { tokenRoutes } from './http/routes/tokens.js';
import { userRoutes } from './http/routes/user.js';
import { usersRoutes } from './http/routes/users.js';
import { sharedSchemas } from './http/schemas.js';
import { defaultWebUiDir, loadWebUi } from './http/web-ui/files.js';
import { webUiRoutes } from './http/web-ui/routes.js';
import { createLogger, redactUrl, requestLoggerFactory, type LogDestination } from './logger.js';
import { registerMetrics } from './metrics/http.js';
import { Metrics } from './metrics/registry.js';
import type { Services } from './services/index.js';

export interface AppDeps {
  services: Services;
  /** With SEMAUTH_METRICS: the process's metrics (main.ts also hands them to the storage); made here when absent. */
  metrics?: Metrics;
  /** Where the built web UI is; default: this package's dist/web. */
  webUiDir?: string;
  /** Log lines go here instead of stdout (tests read them). */
  logDestination?: LogDestination;
}

export function apiPrefix(config: Config): string {
  return `${config.webRoot.prefix}/api`;
}

export function buildApp(config: Config, { services, metrics, webUiDir, logDestination }: AppDeps): FastifyInstance {
  const log = createLogger(config, logDestination);
  const app = Fastify({
    // Our own logger (logger.ts createLogger says why not Fastify's): set as app.log below.
    logger: false,
    // X-Request-Id: a new id per request, or a trusted proxy's (http/request-id.ts);
    // every log line of the request carries it as `request_id`.
    genReqId: requestIdGenerator(config),
    requestIdHeader: false,
    // One line per request from our onResponse hook instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    childLoggerFactory: requestLoggerFactory(log),
    bodyLimit: config.bodyLimitBytes,
    // Fastify reads X-Forwarded-Proto/-Host (last entry) only from trusted peers; the
    // client address is taken by http/request-context.ts, which counts the hops.
    trustProxy: config.trustProxy > 0,
    // Requests arriving while closing are answered by http/draining.ts in our own JSON shape.
    return503OnClosing: false,
    // Ids are validated by the routes (400), not cut off by the router (404):
    // any id that fits in the header limit below reaches the route.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 16 * 1024 },
    clientErrorHandler,
    frameworkErrors: (error, request, reply) => {
      // Answered before routing, so no onSend hook runs: send bytes, which Fastify labels as told.
      const body = Buffer.from(JSON.stringify(errorBody('BAD_REQUEST', `The request is malformed: ${error.code ?? 'bad URL'}.`)));
      (reply as FastifyReply).errorCode = 'BAD_REQUEST';
      void (reply as FastifyReply)
        .code(400)
        .header('content-type', 'application/json')
        .header('cache-control', 'no-store')
        .header(REQUEST_ID_HEADER, request.id)
        .send(body);
    },
    // Node's own limit; larger header blocks get a JSON 431 from clientErrorHandler.
    http: { maxHeaderSize: 16 * 1024 },
  });

  // A plain property of the instance, inherited by every plugin context.
  app.log = log;
  app.server.on('checkExpectation', expectationFailedHandler);

  const prefix = apiPrefix(config);
  const openApi = collectOpenApi(app, prefix);
  // Path → the methods it serves: a 405 names them in its Allow header.
  const knownPaths = new Map<string, Set<string>>();
  app.addHook('onRoute', (r) => {
    const path = r.url.replace(/\/+$/, '');
    const methods = knownPaths.get(path) ?? new Set<string>();
    for (const m of Array.isArray(r.method) ? r.method : [r.method]) methods.add(m.toUpperCase());
    knownPaths.set(path, methods);
  });

  app.decorateRequest('auth', null);
  for (const s of sharedSchemas) app.addSchema(s);
  registerBodyParser(app);
  registerErrorHandling(app, knownPaths);
  const draining = registerDraining(app);

  // A callback hook, not an async one: it runs on every response and has nothing to wait for.
  app.addHook('onSend', (request, reply, payload, done) => {
    // Semaphore sends exactly `application/json`; contract tests compare it.
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', 'application/json');
    // Auth answers (above all the one carrying a new token) must never be cached.
    // The web UI's static files hold no secret and set their own caching. (Not
    // request.routeOptions: that getter builds a dozen-field object per call.)
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header(REQUEST_ID_HEADER, request.id);
    if (draining.closing) reply.header('connection', 'close');
    done(null, payload);
  });
  // The request line is logged at `info`; at quieter levels the hook is not
  // registered at all, since it would run (and build its object) on every request.
  if (config.logLevel === 'info' || config.logLevel === 'debug' || config.logLevel === 'trace') {
    app.addHook('onResponse', async (request, reply) => {
      // An error answer names its catalogue code: why a 401 or a 503 happened.
      const code = reply.errorCode === null ? {} : { code: reply.errorCode };
      request.log.info(
        { method: request.method, url: redactUrl(request.url), status: reply.statusCode, ...code, ms: Math.round(reply.elapsedTime) },
        'request',
      );
    });
  }

  if (config.metrics) {
    const m = metrics ?? new Metrics();
    if (metrics === undefined) m.observe(services);
    // With SEMAUTH_METRICS_PORT, main.ts serves /metrics on that port instead.
    registerMetrics(app, m, { route: config.metricsPort === 0 ? `${config.webRoot.prefix}/metrics` : null });
  }

  const deps: RouteDeps = { config, services };
  void app.register(
    async (api) => {
      pingRoutes(api);
      healthRoutes(api, deps);
      authRoutes(api, deps);
      userRoutes(api, deps);
      tokenRoutes(api, deps);
      sessionRoutes(api, deps);
      usersRoutes(api, deps);
      if (services.oidc) oidcRoutes(api, { config, oidc: services.oidc });
      if (config.totpEnabled) totpRoutes(api, deps);
      api.get('/openapi.json', { schema: { hide: true } as Record<string, unknown> }, async () => openApi());
    },
    { prefix },
  );

  const ui = loadWebUi(webUiDir ?? defaultWebUiDir(), config.webRoot.prefix);
  if ('missing' in ui) app.log.warn(`no web UI: ${ui.missing}; serving the API only`);
  else webUiRoutes(app, ui, config.webRoot.prefix);
  return app;
}
