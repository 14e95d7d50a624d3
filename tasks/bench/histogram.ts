// Latencies counted in 0.05 ms buckets up to 5 s (and kept exactly above), so the load clients can send theirs to
// the bench as a few hundred numbers and the bench can merge them and read exact-enough percentiles.

const BUCKET_MS = 0.05;
const BUCKETS = 100_000; // 5 s

/** What crosses the wire: [bucket, count] pairs for the non-empty buckets, the values above the last bucket, the max. */
export interface HistogramJson {
  buckets: [number, number][];
  over: number[];
  max: number;
}

export class Histogram {
  #counts = new Uint32Array(BUCKETS);
  #over: number[] = [];
  #count = 0;
  #max = 0;

  get count(): number {
    return this.#count;
  }

  get max(): number {
    return this.#max;
  }

  record(ms: number): void {
    const b = Math.floor(Math.max(0, ms) / BUCKET_MS);
    if (b < BUCKETS) this.#counts[b]++;
    else this.#over.push(ms);
    this.#count++;
    if (ms > this.#max) this.#max = ms;
  }

  /** The value at quantile `p` (0..100), as the upper edge of its bucket; 0 when empty. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.#counts[b];
      if (seen >= rank) return Math.min((b + 1) * BUCKET_MS, this.#max);
    }
    const over = [...this.#over].sort((a, b) => a - b);
    return over[rank - seen - 1];
  }

  add(other: HistogramJson): this {
    for (const [b, n] of other.buckets) {
      this.#counts[b] += n;
      this.#count += n;
    }
    for (const ms of other.over) this.record(ms);
    this.#max = Math.max(this.#max, other.max);
    return this;
  }

  toJSON(): HistogramJson {
    const buckets: [number, number][] = [];
    for (let b = 0; b < BUCKETS; b++) if (this.#counts[b]) buckets.push([b, this.#counts[b]]);
    return { buckets, over: [...this.#over], max: this.#max };
  }

  static from(...parts: HistogramJson[]): Histogram {
    const h = new Histogram();
    for (const part of parts) h.add(part);
    return h;
  }
}

/** The figures a report shows of a histogram. */
export function summary(h: Histogram): { count: number; p50: number; p90: number; p99: number; max: number } {
  return { count: h.count, p50: h.percentile(50), p90: h.percentile(90), p99: h.percentile(99), max: h.max };
}
