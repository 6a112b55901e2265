/**
 * Password hashing. New hashes are Argon2id with OWASP's minimum profile
 * (19 MiB, t=2, p=1) rather than the library default of 64 MiB, so that a
 * burst of concurrent logins cannot exhaust memory. Legacy bcrypt hashes from
 * Semaphore (`$2a$`, `$2b$`, `$2y$`) still verify and are flagged for upgrade.
 * Both libraries run on libuv's thread pool: hashing never blocks the event loop.
 * At most `threads` hashes run at once (by default one per core but one), so
 * that a storm of logins leaves the event loop a core of its own: hashing
 * threads compete with it for the CPU as equals.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import bcrypt from 'bcrypt';
import { Limiter } from './limiter.js';

export interface PasswordPolicy {
  memoryKiB: number;
  timeCost: number;
  /** Hashes computed at once; 0 (or absent) = one per core, leaving one core free (at least 1). */
  threads?: number;
}

/** The number of hashes computed at once for a `threads` setting (0 = automatic). */
export function hashingThreads(setting = 0): number {
  return setting > 0 ? setting : Math.max(1, availableParallelism() - 1);
}

export class PasswordHasher {
  private readonly options: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number; parallelism: number };
  private dummyHash: Promise<string>;
  private readonly limiter: Limiter;

  constructor(policy: PasswordPolicy) {
    this.options = { type: argon2.argon2id, memoryCost: policy.memoryKiB, timeCost: policy.timeCost, parallelism: 1 };
    this.limiter = new Limiter(hashingThreads(policy.threads));
    // Verified for unknown users so that they cost the same time as a wrong password.
    this.dummyHash = this.hash(randomBytes(16).toString('hex'));
  }

  /** Hashes and verifications waiting for a hashing thread. */
  get queued(): number {
    return this.limiter.queued;
  }

  hash(password: string): Promise<string> {
    return this.limiter.run(() => argon2.hash(password, this.options));
  }

  /** True when the password matches. A malformed stored hash never matches. */
  async verify(storedHash: string, password: string): Promise<boolean> {
    try {
      if (/^\$2[aby]\$/.test(storedHash)) {
        // bcrypt@6 rejects the `$2y$` prefix PHP and some Go code write; it is the same algorithm.
        return await this.limiter.run(() => bcrypt.compare(password, storedHash.replace(/^\$2y\$/, '$2b$')));
      }
      if (storedHash.startsWith('$argon2')) return await this.limiter.run(() => argon2.verify(storedHash, password));
      return false;
    } catch {
      return false;
    }
  }

  /** Spends the time of one verification and always fails. */
  async verifyDummy(password: string): Promise<false> {
    const dummy = await this.dummyHash;
    await this.limiter.run(() => argon2.verify(dummy, password)).catch(() => false);
    return false;
  }

  /** bcrypt hashes, and Argon2 hashes made with other parameters, are rehashed on the next login. */
  needsRehash(storedHash: string): boolean {
    if (!storedHash.startsWith('$argon2id$')) return true;
    try {
      return argon2.needsRehash(storedHash, this.options);
    } catch {
      return true;
    }
  }
}
