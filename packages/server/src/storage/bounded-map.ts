/**
 * A Map that, when full, forgets an entry not used lately: the CLOCK
 * ("second chance") approximation of least-recently-used eviction. A hit
 * only marks its entry; true LRU would delete and re-insert it, and on the
 * two lookups of every authenticated request that churn kept the Map
 * rehashing. Eviction walks from the oldest entry, giving each marked one a
 * second chance (unmarked, moved to the end) until it finds an unmarked one.
 */
interface Entry<V> {
  value: V;
  used: boolean;
}

export class BoundedMap<K, V> {
  private readonly map = new Map<K, Entry<V>>();
  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    e.used = true;
    return e.value;
  }

  /** The entry without marking it used. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  set(key: K, value: V): void {
    const e = this.map.get(key);
    if (e !== undefined) {
      e.value = value;
      e.used = true;
      return;
    }
    if (this.map.size >= this.max) this.evictOne();
    this.map.set(key, { value, used: false });
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  /** Deletes every entry `doomed` picks. */
  deleteWhere(doomed: (value: V, key: K) => boolean): void {
    for (const [key, e] of this.map) if (doomed(e.value, key)) this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  private evictOne(): void {
    // Ends: after one pass every entry has been unmarked.
    for (;;) {
      const first = this.map.entries().next();
      if (first.done === true) return;
      const [key, e] = first.value;
      this.map.delete(key);
      if (!e.used) return;
      e.used = false;
      this.map.set(key, e);
    }
  }
}
