/**
 * The request-duration histogram, counted on the request path for about a
 * hundredth of what prom-client's own `observe()` costs (which validates and
 * hashes the label set on every call: ~1–2 µs, a few percent of a cached
 * token check). Each label combination is resolved once into a plain bucket
 * array; a request then adds to that array. At scrape time the arrays are
 * handed to prom-client in the very shape its Histogram produces, and
 * prom-client writes the exposition as for any other histogram.
 */
import { Histogram, type Registry } from 'prom-client';

type Labels = { method: string; route: string; status_class: string };

interface Series {
  labels: Labels;
  /** Observations per bucket (not cumulative); the last slot is above the largest bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

interface ValuePair {
  labels: Record<string, string | number>;
  sharedLabels: Labels;
  value: number;
  metricName: string;
  exemplar: null | undefined;
}

export class RequestHistogram extends Histogram<keyof Labels> {
  private readonly series = new Map<string, Series>();
  private readonly bounds: number[];
  private readonly metricName: string;
  private readonly helpText: string;

  constructor(opts: { name: string; help: string; buckets: number[]; registers: Registry[] }) {
    super({ ...opts, labelNames: ['method', 'route', 'status_class'] });
    this.bounds = [...opts.buckets].sort((a, b) => a - b);
    this.metricName = opts.name;
    this.helpText = opts.help;
  }

  /** The series of one label combination, made on first use: keep the result and call add() on it. */
  seriesFor(method: string, route: string, statusClass: string): Series {
    const key = `${method} ${route} ${statusClass}`;
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels: { method, route, status_class: statusClass }, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    return s;
  }

  add(s: Series, seconds: number): void {
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++;
    s.counts[i]! += 1;
    s.sum += seconds;
    s.count += 1;
  }

  /** What prom-client's Histogram hands its registry: cumulative `_bucket`s, `+Inf`, `_sum`, `_count` per series. */
  async getForPromString(): Promise<{ name: string; help: string; type: 'histogram'; values: ValuePair[]; aggregator: 'sum' }> {
    const values: ValuePair[] = [];
    const bucket = `${this.metricName}_bucket`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.counts[i]!;
        values.push({ labels: { le }, sharedLabels: s.labels, value: cumulative, metricName: bucket, exemplar: null });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket, exemplar: null },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.metricName}_sum`, exemplar: undefined },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.metricName}_count`, exemplar: undefined },
      );
    }
    return { name: this.metricName, help: this.helpText, type: 'histogram', values, aggregator: 'sum' };
  }

  override async get(): Promise<Awaited<ReturnType<Histogram<keyof Labels>['get']>>> {
    const data = await this.getForPromString();
    const values = data.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } }));
    return { ...data, values } as unknown as Awaited<ReturnType<Histogram<keyof Labels>['get']>>;
  }

  override reset(): void {
    // prom-client's constructor calls reset() before this class's fields exist.
    this.series?.clear();
  }
}
