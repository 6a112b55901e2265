/**
 * At most `max` tasks at once; the rest wait in arrival order. Password
 * hashing goes through one: each hash occupies a thread-pool thread (and a
 * core) for tens of milliseconds, and the event loop must keep a core.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /** Tasks waiting for a slot (a gauge for operators: hashing is the bottleneck when it grows). */
  get queued(): number {
    return this.waiting.length;
  }

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`Limiter: max must be a positive integer, got ${max}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
