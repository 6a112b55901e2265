/**
 * Logger options: JSON lines (or, for a person, readable lines: log-pretty.ts),
 * and nothing secret in them. Requests are logged by method, path, status and
 * error code only — never headers (Authorization, Cookie) or bodies
 * (passwords) — and anything token-like in a URL is masked.
 */
import type { FastifyBaseLogger } from 'fastify';
import { pino, type Bindings, type ChildLoggerOptions, type LoggerOptions } from 'pino';
import type { Config } from './config/schema.js';
import { prettyDestination } from './log-pretty.js';

/**
 * The URL as logged: the id of a token path is masked however its slashes
 * fall (the router forgives `/user//tokens/…`), and so is any long run of
 * token characters anywhere else (a typo'd path or a query can carry a whole
 * token too). Percent-encoded characters count as token characters. The
 * query parameters an OIDC callback carries (`code`, `state`) are masked
 * whatever their length or alphabet: some providers' codes are short or
 * hold dots.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/user\/+tokens\/+)[^?#]+/i, '$1[redacted]')
    .replace(/([?&](?:code|state|session_state|id_token|access_token)=)[^&#]*/gi, '$1[redacted]')
    .replace(/(?:[A-Za-z0-9_=-]|%[0-9A-Fa-f]{2}){16,}/g, '[redacted]');
}

/** Where log lines go: stdout unless given (tests read them from a stream of their own). */
export interface LogDestination {
  write(line: string): void;
  /** A terminal: `auto` then means the readable format. */
  isTTY?: boolean;
}

/** `auto` is pretty on a terminal and JSON everywhere else (pipes, files, journald, containers). */
export function resolvedLogFormat(config: Pick<Config, 'logFormat'>, stdout: { isTTY?: boolean } = process.stdout): 'json' | 'pretty' {
  if (config.logFormat !== 'auto') return config.logFormat;
  return stdout.isTTY === true ? 'pretty' : 'json';
}

/**
 * The process's root logger. It is built here, not by Fastify: a logger that
 * Fastify owns makes it add two listeners to every response (to log its
 * completion, which semauth never asks for), and adding and removing them
 * costs a cached bearer request about a tenth of its time. app.ts hands
 * Fastify `logger: false` and this logger as `app.log` and through
 * requestLoggerFactory, so every log line is still written here.
 */
export function createLogger(config: Config, destination?: LogDestination): FastifyBaseLogger {
  const out = destination ?? process.stdout;
  const pretty = resolvedLogFormat(config, out) === 'pretty';
  const stream = pretty ? prettyDestination(out) : destination;
  const options: LoggerOptions = {
    level: config.logLevel,
    redact: {
      // Top-level keys too: `*.password` matches one level down only.
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'password', 'secret', 'token', '*.password', '*.secret', '*.token'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  };
  // pino's own stdout writer when no stream is given, as Fastify would build it.
  return (stream ? pino(options, stream) : pino(options)) as unknown as FastifyBaseLogger;
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * A request's logger that becomes a real pino child (with the request id)
 * only when a line at an enabled level is written. Fastify builds a child
 * logger for every request, and building one costs about as much as the
 * whole cached token check, while at `warn` almost no request ever logs.
 */
class LazyRequestLogger {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly opts: ChildLoggerOptions,
  ) {}

  get level(): string {
    return this.#child?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  private real(): FastifyBaseLogger {
    return (this.#child ??= this.parent.child(this.bindings, this.opts));
  }

  private write(level: Level, args: unknown[]): void {
    if (this.#child === undefined && !(this.parent as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled(level)) return;
    (this.real()[level] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, opts);
  }
}

/**
 * Fastify's `childLoggerFactory`: request loggers of `root` that cost
 * nothing until they log. The logger Fastify passes in is its null logger
 * (see createLogger) and is ignored.
 */
export function requestLoggerFactory(root: FastifyBaseLogger) {
  return (_fastifyLogger: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger =>
    new LazyRequestLogger(root, bindings, opts) as unknown as FastifyBaseLogger;
}
