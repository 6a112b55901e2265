/**
 * The Prometheus metrics of one server process (SPEC §13; their meaning is
 * documented in docs/operations.md). Services know nothing of Prometheus:
 * logins and tokens are counted from the audit events they already record,
 * the hashing queue is read when scraped, and the HTTP layer reports
 * requests, throttling and database errors (http.ts).
 *
 * No label ever carries a login, an address, a token or a raw URL: labels
 * are sign-in methods, results, route patterns, methods and status classes —
 * a small, fixed set of values.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditEvent } from '../services/audit.js';
import type { Services } from '../services/index.js';
import type { AuthCacheHooks } from '../storage/auth-cache.js';
import { RequestHistogram } from './request-histogram.js';

/** Sign-in methods a login can be labelled with; anything else is `other`. */
const LOGIN_METHODS = new Set(['password', 'ldap', 'oidc', 'totp', 'recovery']);

const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];

/** Seconds: from a cached token check (~0.1 ms) to a slow Argon2 login or a database timeout. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  private readonly registers = [this.registry];

  readonly logins = new Counter({
    name: 'semauth_logins_total',
    help: 'Sign-in attempts that were checked, by method (password, ldap, oidc, …) and result (success, failure).',
    labelNames: ['method', 'result'] as const,
    registers: this.registers,
  });
  readonly loginThrottled = new Counter({
    name: 'semauth_login_throttled_total',
    help: 'Sign-in attempts refused with 429 because a throttling budget was spent.',
    registers: this.registers,
  });
  readonly tokensCreated = new Counter({ name: 'semauth_tokens_created_total', help: 'API tokens created.', registers: this.registers });
  readonly tokensRevoked = new Counter({ name: 'semauth_tokens_revoked_total', help: 'API token revocations (DELETE) that succeeded.', registers: this.registers });
  readonly requestDuration = new RequestHistogram({
    name: 'semauth_http_request_duration_seconds',
    help: 'Time from request to response, by method, route pattern (`unmatched` for none) and status class.',
    buckets: DURATION_BUCKETS,
    registers: this.registers,
  });
  readonly dbErrors = new Counter({
    name: 'semauth_db_errors_total',
    help: 'Requests that failed on a database error (unreachable, timed out, or refused).',
    registers: this.registers,
  });
  readonly authCacheHits = new Counter({
    name: 'semauth_auth_cache_hits_total',
    help: 'Token, session and user lookups answered from the in-memory cache.',
    registers: this.registers,
  });
  readonly authCacheMisses = new Counter({
    name: 'semauth_auth_cache_misses_total',
    help: 'Token, session and user lookups that read the database (cache on, entry absent or dropped).',
    registers: this.registers,
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Hooks for openStorage: cache hits and misses. */
  storageObservers(): AuthCacheHooks {
    return { onHit: () => this.authCacheHits.inc(), onMiss: () => this.authCacheMisses.inc() };
  }

  /** Starts counting what the services record, and reading their gauges. */
  observe(services: Pick<Services, 'audit' | 'hashing'>): void {
    services.audit.onRecord((event, detail) => this.countAuditEvent(event, detail));
    const hashing = services.hashing;
    new Gauge({
      name: 'semauth_password_hash_queue',
      help: 'Password hashes and verifications waiting for a hashing thread.',
      registers: this.registers,
      collect() {
        this.set(hashing.queued);
      },
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const h = this.requestDuration;
    h.add(h.seriesFor(method, route, STATUS_CLASSES[Math.floor(status / 100)] ?? 'other'), seconds);
  }

  private countAuditEvent(event: AuditEvent, detail: Readonly<Record<string, unknown>> | null): void {
    switch (event) {
      case 'login.succeeded':
      case 'login.failed': {
        const method = typeof detail?.method === 'string' && LOGIN_METHODS.has(detail.method) ? detail.method : detail?.method === undefined ? 'password' : 'other';
        this.logins.labels(method, event === 'login.succeeded' ? 'success' : 'failure').inc();
        break;
      }
      case 'token.created':
        this.tokensCreated.inc();
        break;
      case 'token.revoked':
        this.tokensRevoked.inc();
        break;
      default:
    }
  }

  /** The exposition text and its Content-Type (text format 0.0.4). */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
