/** A Map that forgets its least recently used entry when full. */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      // Re-insert: Map keeps insertion order, so the first key is the least recently used.
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** The entry without marking it recently used. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as K);
    this.map.set(key, value);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  /** Deletes every entry `doomed` picks. */
  deleteWhere(doomed: (value: V, key: K) => boolean): void {
    for (const [key, value] of this.map) if (doomed(value, key)) this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
