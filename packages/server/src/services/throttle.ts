/**
 * Login throttling. Failures are counted per (account, client address) and
 * per client address, in the database so all instances share one budget.
 * There is deliberately no account-wide lock: an attacker hammering an
 * account from their address must not lock its owner out from another.
 */
import { AppError } from '../errors.js';
import type { ThrottleStore } from '../storage/types.js';
import type { Clock } from './context.js';

export interface ThrottleLimits {
  perAccountAddress: number;
  perAddress: number;
  windowSeconds: number;
}

export class LoginThrottle {
  constructor(private readonly store: ThrottleStore, private readonly limits: ThrottleLimits, private readonly now: Clock) {}

  /** `account` is `user:<id>` for a known user, else `login:<lower-cased login>`. */
  private keys(account: string, address: string) {
    return { pair: `${account}|addr:${address}`, address: `addr:${address}` };
  }

  private windowStart(now: number): number {
    return now - this.limits.windowSeconds * 1000;
  }

  /** Throws TOO_MANY_ATTEMPTS (429 with Retry-After) when a budget is spent. */
  async check(account: string, address: string): Promise<void> {
    const now = this.now();
    const k = this.keys(account, address);
    const counts = await this.store.failures([k.pair, k.address], this.windowStart(now));
    const over = [
      [counts.get(k.pair), this.limits.perAccountAddress],
      [counts.get(k.address), this.limits.perAddress],
    ] as const;
    for (const [c, limit] of over) {
      if (c && c.count >= limit) {
        const retryAfter = Math.max(1, Math.ceil((c.windowStartedAt + this.limits.windowSeconds * 1000 - now) / 1000));
        throw new AppError('TOO_MANY_ATTEMPTS', undefined, { 'retry-after': String(retryAfter) });
      }
    }
  }

  async recordFailure(account: string, address: string): Promise<void> {
    const now = this.now();
    const k = this.keys(account, address);
    await this.store.recordFailure([k.pair, k.address], now, this.windowStart(now));
  }

  /** A successful login clears the account's counter for this address. */
  async reset(account: string, address: string): Promise<void> {
    await this.store.reset([this.keys(account, address).pair]);
  }
}
