/**
 * Faults injected into a real Storage, for tests of what the service does
 * when something it never expected goes wrong: one store method throws (or
 * rejects with) the given value; everything else is the real storage.
 */
import type { Storage } from '../../src/storage/types.js';

type StoreName = 'users' | 'sessions' | 'tokens' | 'throttle' | 'audit';

export function withFaultyMethod<S extends StoreName>(storage: Storage, store: S, method: keyof Storage[S] & string, fault: unknown): Storage {
  const real = storage[store] as object;
  const faulty = new Proxy(real, {
    get(target, prop) {
      if (prop === method) return () => Promise.reject(fault);
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  // A spread, so that what rides along on the Storage (its database handles) stays.
  return { ...storage, [store]: faulty };
}

/** Collects the JSON log lines an app writes (pass as startTestApp's logDestination). */
export function logCollector(): { write(line: string): void; lines(): Record<string, any>[] } {
  const raw: string[] = [];
  return {
    write: (line) => void raw.push(line),
    lines: () => raw.join('').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, any>),
  };
}
