/**
 * buildApp: the one place the HTTP application is assembled. It does not
 * listen; main.ts does, and tests build an app per test.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Config } from './config/schema.js';
import { errorBody } from './errors.js';
import { registerBodyParser } from './http/body-parser.js';
import { clientErrorHandler, expectationFailedHandler } from './http/client-errors.js';
import { registerErrorHandling } from './http/error-handler.js';
import { collectOpenApi } from './http/openapi.js';
import { oidcRoutes } from './auth-methods/oidc/routes.js';
import { authRoutes } from './http/routes/auth.js';
import type { RouteDeps } from './http/routes/deps.js';
import { pingRoutes } from './http/routes/ping.js';
import { tokenRoutes } from './http/routes/tokens.js';
import { userRoutes } from './http/routes/user.js';
import { sharedSchemas } from './http/schemas.js';
import { defaultWebUiDir, loadWebUi } from './http/web-ui/files.js';
import { webUiRoutes } from './http/web-ui/routes.js';
import { lazyChildLoggerFactory, loggerOptions, redactUrl, type LogDestination } from './logger.js';
import type { Services } from './services/index.js';

export interface AppDeps {
  services: Services;
  /** Where the built web UI is; default: this package's dist/web. */
  webUiDir?: string;
  /** Log lines go here instead of stdout (tests read them). */
  logDestination?: LogDestination;
}

export function apiPrefix(config: Config): string {
  return `${config.webRoot.prefix}/api`;
}

export function buildApp(config: Config, { services, webUiDir, logDestination }: AppDeps): FastifyInstance {
  const app = Fastify({
    logger: loggerOptions(config, logDestination),
    // One line per request from our onResponse hook instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: config.bodyLimitBytes,
    // Fastify reads X-Forwarded-Proto/-Host (last entry) only from trusted peers; the
    // client address is taken by http/request-context.ts, which counts the hops.
    trustProxy: config.trustProxy > 0,
    return503OnClosing: true,
    // Ids are validated by the routes (400), not cut off by the router (404):
    // any id that fits in the header limit below reaches the route.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 16 * 1024 },
    clientErrorHandler,
    frameworkErrors: (error, _request, reply) => {
      // Answered before routing, so no onSend hook runs: send bytes, which Fastify labels as told.
      const body = Buffer.from(JSON.stringify(errorBody('BAD_REQUEST', `The request is malformed: ${error.code ?? 'bad URL'}.`)));
      void (reply as FastifyReply).code(400).header('content-type', 'application/json').header('cache-control', 'no-store').send(body);
    },
    // Node's own limit; larger header blocks get a JSON 431 from clientErrorHandler.
    http: { maxHeaderSize: 16 * 1024 },
  });

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

  // A callback hook, not an async one: it runs on every response and has nothing to wait for.
  app.addHook('onSend', (request, reply, payload, done) => {
    // Semaphore sends exactly `application/json`; contract tests compare it.
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', 'application/json');
    // Auth answers (above all the one carrying a new token) must never be cached.
    // The web UI's static files hold no secret and set their own caching.
    if (request.routeOptions.config.webUi !== true) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  // The request line is logged at `info`; at quieter levels the hook is not
  // registered at all, since it would run (and build its object) on every request.
  if (config.logLevel === 'info' || config.logLevel === 'debug' || config.logLevel === 'trace') {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        { method: request.method, url: redactUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request',
      );
    });
  }

  const deps: RouteDeps = { config, services };
  void app.register(
    async (api) => {
      pingRoutes(api);
      authRoutes(api, deps);
      userRoutes(api, deps);
      tokenRoutes(api, deps);
      if (services.oidc) oidcRoutes(api, { config, oidc: services.oidc });
      api.get('/openapi.json', { schema: { hide: true } as Record<string, unknown> }, async () => openApi());
    },
    { prefix },
  );

  const ui = loadWebUi(webUiDir ?? defaultWebUiDir(), config.webRoot.prefix);
  if ('missing' in ui) app.log.warn(`no web UI: ${ui.missing}; serving the API only`);
  else webUiRoutes(app, ui, config.webRoot.prefix);
  return app;
}
