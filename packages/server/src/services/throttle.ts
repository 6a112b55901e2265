/**
 * Login throttling. Failures are counted per (account, client address) and
 * per client address, in the database so all instances share one budget and
 * a restart does not reset it. There is deliberately no account-wide lock:
 * an attacker hammering an account from their address must not lock its
 * owner out from another.
 *
 * An attempt reserves its failure *before* the password is verified (and is
 * forgiven when it succeeds): checking first and counting afterwards would let
 * a burst of concurrent attempts all pass the check while the slow hash runs.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { AppError } from '../errors.js';
import type { ThrottleCount, ThrottleStore } from '../storage/types.js';
import type { Clock } from './context.js';

export interface ThrottleLimits {
  perAccountAddress: number;
  perAddress: number;
  windowSeconds: number;
}

/** What a reserved attempt learnt: which budget, if any, it spent the last unit of. */
export interface Reservation {
  /** Set when this attempt used the last allowed failure of a budget: throttling starts now. */
  exhausted: 'account+address' | 'address' | null;
}

/** Longest account key kept: longer attempted logins cannot be users anyway. */
const MAX_ACCOUNT_KEY_LENGTH = 256;

/**
 * The bucket an address is counted in. IPv4-mapped IPv6 is the IPv4 address;
 * other IPv6 addresses count per /64, the smallest block a client usually
 * holds (counting per address would give one client 2^64 budgets).
 */
export function addressBucket(address: string): string {
  const a = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (!isIPv6(a)) return a.slice(0, 64);
  const [head = '', tail = ''] = a.split('::') as [string, string?];
  const left = head ? head.split(':') : [];
  const right = a.includes('::') && tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::a.b.c.d) is two groups; it never reaches the first four.
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => Number.parseInt(g || '0', 16).toString(16)).join(':')}::/64`;
}

export class LoginThrottle {
  /**
   * `space` keeps another kind of attempt apart (`totp`: TOTP and recovery
   * codes) with budgets of its own: keys `<account>|totp|addr:…` and
   * `totp|addr:…`. Login keys have none: `<account>|addr:…`, `addr:…`. Both
   * start with the account, so `unlock` clears them together.
   */
  constructor(
    private readonly store: ThrottleStore,
    private readonly limits: ThrottleLimits,
    private readonly now: Clock,
    private readonly space = '',
  ) {}

  /** `account` is `user:<id>` for a known user, else `login:<identity key of the login>`. */
  private keys(account: string, address: string) {
    const bucket = addressBucket(address);
    // PostgreSQL text cannot hold NUL, which a typed login may (`login:<as typed>`).
    const accountKey = account.slice(0, MAX_ACCOUNT_KEY_LENGTH).replace(/\u0000/g, '\ufffd');
    const addressKey = this.space === '' ? `addr:${bucket}` : `${this.space}|addr:${bucket}`;
    return { pair: `${accountKey}|${addressKey}`, address: addressKey };
  }

  private windowStart(now: number): number {
    return now - this.limits.windowSeconds * 1000;
  }

  private tooMany(c: ThrottleCount, now: number): AppError {
    const retryAfter = Math.max(1, Math.ceil((c.windowStartedAt + this.limits.windowSeconds * 1000 - now) / 1000));
    return new AppError('TOO_MANY_ATTEMPTS', undefined, { 'retry-after': String(retryAfter) });
  }

  /**
   * Reserves one attempt, counted as a failure until `succeeded` forgives it.
   * Throws TOO_MANY_ATTEMPTS (429 with Retry-After) when a budget is spent —
   * without writing anything, so a flood of throttled requests costs reads only.
   */
  async reserve(account: string, address: string): Promise<Reservation> {
    const now = this.now();
    const k = this.keys(account, address);
    const budgets = [
      [k.pair, this.limits.perAccountAddress, 'account+address'],
      [k.address, this.limits.perAddress, 'address'],
    ] as const;
    const before = await this.store.failures([k.pair, k.address], this.windowStart(now));
    for (const [key, limit] of budgets) {
      const c = before.get(key);
      if (c && c.count >= limit) throw this.tooMany(c, now);
    }
    const after = await this.store.recordFailure([k.pair, k.address], now, this.windowStart(now));
    let exhausted: Reservation['exhausted'] = null;
    for (const [key, limit, scope] of budgets) {
      const c = after.get(key);
      // Lost a race for the last unit: refuse like any throttled attempt.
      if (c && c.count > limit) throw this.tooMany(c, now);
      if (c && c.count === limit) exhausted ??= scope;
    }
    return { exhausted };
  }

  /** A successful login clears the account's counter for this address and gives the address its unit back (one write). */
  async succeeded(account: string, address: string): Promise<void> {
    const k = this.keys(account, address);
    await this.store.settleSuccess(k.pair, k.address);
  }

  /**
   * Clears a user's failures from every address (`semauth user unlock`). The
   * per-address budgets stay: they belong to the addresses, not to the user.
   */
  unlock(userId: number): Promise<number> {
    return this.store.resetAccount(`user:${userId}`);
  }

  /** Deletes counters whose window has ended. */
  prune(): Promise<number> {
    return this.store.prune(this.windowStart(this.now()));
  }
}
