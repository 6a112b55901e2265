/**
 * Password hashing. New hashes are Argon2id with OWASP's minimum profile
 * (19 MiB, t=2, p=1) rather than the library default of 64 MiB, so that a
 * burst of concurrent logins cannot exhaust memory. Legacy bcrypt hashes from
 * Semaphore (`$2a$`, `$2b$`, `$2y$`) still verify and are flagged for upgrade.
 * Both libraries run on libuv's thread pool: hashing never blocks the event loop.
 */
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import bcrypt from 'bcrypt';

export interface PasswordPolicy {
  memoryKiB: number;
  timeCost: number;
}

export class PasswordHasher {
  private readonly options: { type: typeof argon2.argon2id; memoryCost: number; timeCost: number; parallelism: number };
  private dummyHash: Promise<string>;

  constructor(policy: PasswordPolicy) {
    this.options = { type: argon2.argon2id, memoryCost: policy.memoryKiB, timeCost: policy.timeCost, parallelism: 1 };
    // Verified for unknown users so that they cost the same time as a wrong password.
    this.dummyHash = this.hash(randomBytes(16).toString('hex'));
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  /** True when the password matches. A malformed stored hash never matches. */
  async verify(storedHash: string, password: string): Promise<boolean> {
    try {
      if (/^\$2[aby]\$/.test(storedHash)) {
        // bcrypt@6 rejects the `$2y$` prefix PHP and some Go code write; it is the same algorithm.
        return await bcrypt.compare(password, storedHash.replace(/^\$2y\$/, '$2b$'));
      }
      if (storedHash.startsWith('$argon2')) return await argon2.verify(storedHash, password);
      return false;
    } catch {
      return false;
    }
  }

  /** Spends the time of one verification and always fails. */
  async verifyDummy(password: string): Promise<false> {
    await argon2.verify(await this.dummyHash, password).catch(() => false);
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
