// deno task seed [--members N] [--posts M] [--connections K] [--seed S] [--days D] [--avatars A]
//
// Fills an empty store (MySQL when DATABASE_URL is set, else the embedded Deno KV file under PROK_DATA_DIR) with a
// deterministic, realistic-looking network: N members, about K accepted connections each (biased toward the same
// city), M posts over the last D days from a skewed set of authors, and every member's home timeline (their own and
// their connections' newest posts), built here in memory and written with the store's bulk imports, so no queue worker
// is involved. The first A members get a drawn profile picture through the image pipeline and the media service, as if
// they had uploaded it (their profile edits are the only events the seed commits). The same --seed gives the same
// names, texts and graph. Seeded members share one password, printed at the end, and have @seed.prok.test emails.
import { type App, closeApp, domainDeps, openApp } from "../services/app.ts";
import { giveGeneratedAvatars } from "../services/media/generated_avatars.ts";
import { configOrExit } from "./cli.ts";
import { REBUILD_DEPTH } from "../services/posts.ts";
import type { NewUser, TimelineEntry } from "../services/store/model.ts";
import { Generator, prng } from "./seed/generate.ts";

export interface SeedOptions {
  members: number;
  posts: number;
  /** Accepted connections per member, about. */
  connections: number;
  seed: number;
  /** Posts are spread over this many days up to `now`. */
  days: number;
  /** The first this many members get a drawn profile picture (DEFAULTS.avatars unless given). */
  avatars?: number;
  /** The end of the period (defaults to the start of the run). */
  now?: Date;
  /** Timeline entries per member (the app's rebuild depth unless given). */
  timelineSize?: number;
  /** Records per import call. */
  batch?: number;
  /** Timeline import calls in flight at once. */
  parallel?: number;
  /** Progress bars on stderr. */
  progress?: boolean;
}

export interface PhaseSummary {
  name: "members" | "avatars" | "connections" | "posts" | "timelines";
  /** Records written: members, profile pictures, connections, posts, timeline entries. */
  count: number;
  ms: number;
}

export interface SeedResult {
  /** In creation order: member n (1-based in emails) is memberIds[n - 1]. */
  memberIds: string[];
  /** The one password of every seeded member. */
  password: string;
  phases: PhaseSummary[];
}

/** The store already has members: seeding only ever fills an empty one. */
export class SeedError extends Error {}

/** Avatars: each costs a media record, eight files and a profile edit, so a big network gets them on its first 200. */
export const DEFAULTS = { members: 200, posts: 2_000, connections: 20, seed: 42, days: 365, avatars: 200 } as const;

/** Inclusive bounds of each flag. */
export const LIMITS = {
  members: [1, 1_000_000],
  posts: [0, 20_000_000],
  connections: [0, 1_000],
  seed: [0, 4_294_967_295],
  days: [1, 3_650],
  avatars: [0, 10_000],
} as const satisfies Record<keyof typeof DEFAULTS, readonly [number, number]>;

export const USAGE =
  `usage: deno task seed [--members N] [--posts M] [--connections K] [--seed S] [--days D] [--avatars A]

Fills an empty store (MySQL when DATABASE_URL is set, else the Deno KV file under PROK_DATA_DIR) with a
deterministic network: N members, about K accepted connections each, M posts over the last D days, and every
member's home timeline. The first A members get a drawn profile picture, stored where the app keeps media
(S3_BUCKET, else PROK_DATA_DIR/media). The same --seed gives the same names, texts and graph.

  --members N       members (default ${DEFAULTS.members}, ${LIMITS.members[0]}..${fmt(LIMITS.members[1])})
  --posts M         posts (default ${fmt(DEFAULTS.posts)}, ${LIMITS.posts[0]}..${fmt(LIMITS.posts[1])})
  --connections K   connections per member, about (default ${DEFAULTS.connections}, ${LIMITS.connections[0]}..${
    fmt(LIMITS.connections[1])
  }, below N)
  --seed S          random seed (default ${DEFAULTS.seed})
  --days D          days the posts span, up to now (default ${DEFAULTS.days}, ${LIMITS.days[0]}..${fmt(LIMITS.days[1])})
  --avatars A       members given a profile picture, the first ones (default ${DEFAULTS.avatars}, ${
    LIMITS.avatars[0]
  }..${fmt(LIMITS.avatars[1])})`;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Members joined over this period before the first post. */
const JOIN_PERIOD_MS = 30 * DAY_MS;
/** Share of connections drawn from the member's own city (when it has candidates left). */
const SAME_CITY = 0.5;
/** Zipf exponent of authorship: with 10,000 members the busiest posts ~2 % of everything, the quietest ~0.003 %. */
const AUTHOR_SKEW = 0.7;
const BATCH = 4_000;
/** Timeline import calls in flight: one is computed while others are written. */
const PARALLEL = 3;
/** setTimelineBuiltAt calls in flight. */
const MARKS_IN_FLIGHT = 16;

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** Parses the command line: the options, or a message for the usage error (`help` for --help). */
export function parseArgs(args: string[]): { options: Required<Pick<SeedOptions, keyof typeof DEFAULTS>> } | {
  error: string;
} {
  const options: Record<keyof typeof DEFAULTS, number> = { ...DEFAULTS };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") return { error: "help" };
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1] as keyof typeof DEFAULTS | undefined;
    if (!match || !name || !(name in DEFAULTS)) return { error: `unknown argument "${arg}"` };
    const text = match[2] ?? args[++i];
    if (text === undefined) return { error: `--${name} needs a value` };
    const [min, max] = LIMITS[name];
    const value = /^\d{1,10}$/.test(text.replaceAll(/[_,]/g, "")) ? Number(text.replaceAll(/[_,]/g, "")) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      return { error: `--${name} must be a whole number from ${fmt(min)} to ${fmt(max)}, got "${text}"` };
    }
    options[name] = value;
  }
  if (options.connections >= options.members && options.connections > 0) {
    return { error: `--connections (${fmt(options.connections)}) must be smaller than --members (${options.members})` };
  }
  return { options };
}

/** A progress bar on stderr, redrawn in place on a terminal and every 10 % otherwise. */
class Progress {
  static readonly WIDTH = 30;
  #last = 0;
  #step = -1;
  readonly #tty = Deno.stderr.isTerminal();

  constructor(readonly label: string, readonly total: number, readonly enabled: boolean) {}

  update(done: number): void {
    if (!this.enabled) return;
    const now = performance.now();
    const ratio = this.total === 0 ? 1 : done / this.total;
    if (this.#tty) {
      if (done < this.total && now - this.#last < 100) return;
      this.#last = now;
      this.#write(`\r${this.#line(done, ratio)}\x1b[K`);
    } else {
      const step = Math.floor(ratio * 10);
      if (step === this.#step) return;
      this.#step = step;
      this.#write(`${this.#line(done, ratio)}\n`);
    }
  }

  done(): void {
    if (!this.enabled) return;
    this.update(this.total);
    if (this.#tty) this.#write("\n");
  }

  #line(done: number, ratio: number): string {
    const filled = Math.round(ratio * Progress.WIDTH);
    const bar = "#".repeat(filled) + "-".repeat(Progress.WIDTH - filled);
    return `${this.label.padEnd(11)} [${bar}] ${`${Math.floor(ratio * 100)}%`.padStart(4)}  ${fmt(done)}/${
      fmt(this.total)
    }`;
  }

  #write(text: string): void {
    Deno.stderr.writeSync(new TextEncoder().encode(text));
  }
}

/** Runs tasks with at most `limit` in flight; the first failure is thrown by the next `add` or by `drain`. */
class Pipeline {
  #inFlight = new Set<Promise<void>>();
  #failed: { error: unknown } | null = null;

  constructor(readonly limit: number) {}

  async add(task: () => Promise<void>): Promise<void> {
    while (this.#inFlight.size >= this.limit) await Promise.race(this.#inFlight);
    if (this.#failed) throw this.#failed.error;
    const running: Promise<void> = task()
      .catch((error) => {
        this.#failed ??= { error };
      })
      .finally(() => this.#inFlight.delete(running));
    this.#inFlight.add(running);
  }

  async drain(): Promise<void> {
    await Promise.all(this.#inFlight);
    if (this.#failed) throw this.#failed.error;
  }
}

/** Independent random streams per phase, so e.g. more posts do not change the graph. */
function subSeed(seed: number, phase: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(phase, 0xc2b2ae35)) >>> 0;
}

/** A set of member indexes with O(1) add, remove and uniform pick. */
class IndexSet {
  readonly items: number[] = [];
  constructor(private readonly pos: Int32Array) {}
  add(i: number): void {
    this.pos[i] = this.items.length;
    this.items.push(i);
  }
  remove(i: number): void {
    const at = this.pos[i];
    if (at < 0) return;
    const last = this.items.pop()!;
    if (last !== i) {
      this.items[at] = last;
      this.pos[last] = at;
    }
    this.pos[i] = -1;
  }
  pick(random: () => number): number {
    return this.items[Math.floor(random() * this.items.length)];
  }
  get size(): number {
    return this.items.length;
  }
}

/**
 * About `k` partners per member: each member in turn draws partners among those still under `k` (from their own
 * city with probability SAME_CITY), skipping themselves and partners they already have. Returns the pairs as
 * consecutive (a, b) indexes; no member ends above `k`, and only the last few can end below it.
 */
export function buildGraph(cities: Int32Array, k: number, random: () => number): Int32Array {
  const n = cities.length;
  if (k === 0 || n < 2) return new Int32Array(0);
  const degree = new Int32Array(n);
  const partners = new Int32Array(n * k);
  const open = new IndexSet(new Int32Array(n).fill(-1));
  const cityPos = new Int32Array(n).fill(-1);
  const byCity = new Map<number, IndexSet>();
  for (let i = 0; i < n; i++) {
    open.add(i);
    let set = byCity.get(cities[i]);
    if (!set) byCity.set(cities[i], set = new IndexSet(cityPos));
    set.add(i);
  }
  const edges: number[] = [];
  const linked = (a: number, b: number) => {
    const [x, y] = degree[a] <= degree[b] ? [a, b] : [b, a];
    for (let p = x * k, end = x * k + degree[x]; p < end; p++) if (partners[p] === y) return true;
    return false;
  };
  const close = (i: number) => {
    open.remove(i);
    byCity.get(cities[i])!.remove(i);
  };
  for (let i = 0; i < n; i++) {
    const city = byCity.get(cities[i])!;
    let misses = 0; // in a row: after a few, draw from everyone; after many, nobody suitable is left
    while (degree[i] < k && open.size > 1 && misses < 64) {
      const local = misses < 8 && city.size > 1 && random() < SAME_CITY;
      const j = local ? city.pick(random) : open.pick(random);
      if (j === i || linked(i, j)) {
        misses++;
        continue;
      }
      misses = 0;
      partners[i * k + degree[i]++] = j;
      partners[j * k + degree[j]++] = i;
      edges.push(i, j);
      if (degree[j] === k) close(j);
    }
    close(i); // done, or nobody is left to draw: the rest need not offer it again
  }
  return Int32Array.from(edges);
}

/** Cumulative Zipf weights over a random order of the members: binary-search a uniform draw to pick an author. */
function authorSampler(n: number, random: () => number): () => number {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) cumulative[r] = sum += 1 / Math.pow(r + 1, AUTHOR_SKEW);
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return order[lo];
  };
}

/** A max-heap of (post index, source) pairs, for merging many ascending lists newest first. */
class MergeHeap {
  readonly keys: Int32Array;
  readonly sources: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Int32Array(capacity);
    this.sources = new Int32Array(capacity);
  }

  push(key: number, source: number): void {
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent] >= key) break;
      this.keys[i] = this.keys[parent];
      this.sources[i] = this.sources[parent];
      i = parent;
    }
    this.keys[i] = key;
    this.sources[i] = source;
  }

  /** Replaces the top with (key, source), or removes it when key < 0, and restores the order. */
  replaceTop(key: number, source: number): void {
    if (key < 0) {
      this.size--;
      key = this.keys[this.size];
      source = this.sources[this.size];
    }
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.keys[child + 1] > this.keys[child]) child++;
      if (this.keys[child] <= key) break;
      this.keys[i] = this.keys[child];
      this.sources[i] = this.sources[child];
      i = child;
    }
    if (this.size > 0) {
      this.keys[i] = key;
      this.sources[i] = source;
    }
  }
}

/**
 * Fills `app.store`, which must have no members. Deterministic for a given `seed` (names, texts, graph, authors,
 * post times relative to `now`); only ids and the password differ between runs.
 */
export async function seed(app: App, options: SeedOptions): Promise<SeedResult> {
  const { store } = app;
  const n = options.members;
  const k = Math.min(options.connections, n - 1);
  const m = options.posts;
  const batch = options.batch ?? BATCH;
  const timelineSize = options.timelineSize ?? REBUILD_DEPTH;
  const now = (options.now ?? new Date()).getTime();
  const show = options.progress ?? false;
  const phases: PhaseSummary[] = [];
  const phase = async (name: PhaseSummary["name"], total: number, fn: (bar: Progress) => Promise<number>) => {
    const bar = new Progress(name, total, show);
    const started = performance.now();
    bar.update(0);
    const count = await fn(bar);
    bar.done();
    phases.push({ name, count, ms: performance.now() - started });
  };

  if ((await store.listUsers({ limit: 1 })).items.length > 0) {
    throw new SeedError(
      `The ${store.kind} store already has members; seeding only fills an empty store. ` +
        "Point DATABASE_URL at a new database (or PROK_DATA_DIR at an empty folder) and run it again.",
    );
  }

  // --- members: one password hash for all, joined over the month before the first post ----------------------------
  const password = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(12))))
    .replaceAll("+", "-").replaceAll("/", "_");
  const passwordHash = await app.hasher.hash(password);
  const names = new Generator(options.seed);
  const start = now - options.days * DAY_MS;
  const joinStep = Math.max(1, Math.floor(JOIN_PERIOD_MS / n));
  const joinedAt = (i: number) => start - JOIN_PERIOD_MS + i * joinStep;
  const memberIds: string[] = [];
  const cityOf = new Int32Array(n);
  const cityIndex = new Map<string, number>();
  await phase("members", n, async (bar) => {
    for (let from = 0; from < n; from += batch) {
      const users: (NewUser & { createdAt: Date })[] = [];
      for (let i = from; i < Math.min(n, from + batch); i++) {
        const member = names.member(i + 1);
        if (!cityIndex.has(member.location)) cityIndex.set(member.location, cityIndex.size);
        cityOf[i] = cityIndex.get(member.location)!;
        users.push({ ...member, passwordHash, createdAt: new Date(joinedAt(i)) });
      }
      memberIds.push(...await store.importUsers(users));
      bar.update(memberIds.length);
    }
    return n;
  });

  // --- avatars: through the pipeline and the media service, as uploads would be ---------------------------------------
  const avatarIds = memberIds.slice(0, options.avatars ?? DEFAULTS.avatars);
  await phase(
    "avatars",
    avatarIds.length,
    (bar) => giveGeneratedAvatars(domainDeps(app), avatarIds, bar.update.bind(bar)),
  );

  // --- connections ---------------------------------------------------------------------------------------------------
  const graphRandom = prng(subSeed(options.seed, 1));
  const edges = buildGraph(cityOf, k, graphRandom);
  const edgeCount = edges.length / 2;
  await phase("connections", edgeCount, async (bar) => {
    for (let from = 0; from < edgeCount; from += batch) {
      const list = [];
      for (let e = from; e < Math.min(edgeCount, from + batch); e++) {
        const [a, b] = [edges[2 * e], edges[2 * e + 1]];
        const joined = joinedAt(Math.max(a, b));
        list.push({
          senderId: memberIds[a],
          receiverId: memberIds[b],
          createdAt: new Date(joined + Math.floor(graphRandom() * (start - joined))),
        });
      }
      await store.importConnections(list);
      bar.update(from + list.length);
    }
    return edgeCount;
  });

  // --- posts: ascending createdAt (one per slot of an even grid, jittered), skewed authors ---------------------------
  const texts = new Generator(subSeed(options.seed, 2));
  const pickAuthor = authorSampler(n, prng(subSeed(options.seed, 3)));
  const slot = (options.days * DAY_MS) / Math.max(m, 1);
  const postAuthor = new Int32Array(m);
  const postTime = new Float64Array(m);
  const postIds: string[] = new Array(m);
  for (let p = 0; p < m; p++) {
    postAuthor[p] = pickAuthor();
    // Strictly increasing, so newest-first order is the creation order whatever the ids are.
    const time = start + Math.floor(p * slot + texts.random() * slot);
    postTime[p] = p > 0 ? Math.max(time, postTime[p - 1] + 1) : time;
  }
  await phase("posts", m, async (bar) => {
    for (let from = 0; from < m; from += batch) {
      const list = [];
      for (let p = from; p < Math.min(m, from + batch); p++) {
        list.push({ authorId: memberIds[postAuthor[p]], content: texts.post(), createdAt: new Date(postTime[p]) });
      }
      const ids = await store.importPosts(list);
      for (let i = 0; i < ids.length; i++) postIds[from + i] = ids[i];
      bar.update(from + list.length);
    }
    return m;
  });

  // --- timelines: per member, a newest-first merge of their own and their connections' posts ------------------------
  // Each author's posts as a slice of one array, in creation order (CSR); the graph likewise.
  const byAuthorStart = new Int32Array(n + 1);
  for (let p = 0; p < m; p++) byAuthorStart[postAuthor[p] + 1]++;
  for (let a = 0; a < n; a++) byAuthorStart[a + 1] += byAuthorStart[a];
  const byAuthor = new Int32Array(m);
  const fill = byAuthorStart.slice(0, n);
  for (let p = 0; p < m; p++) byAuthor[fill[postAuthor[p]]++] = p;
  const adjStart = new Int32Array(n + 1);
  for (let e = 0; e < edges.length; e++) adjStart[edges[e] + 1]++;
  for (let a = 0; a < n; a++) adjStart[a + 1] += adjStart[a];
  const adjacent = new Int32Array(edges.length);
  const adjFill = adjStart.slice(0, n);
  for (let e = 0; e < edges.length; e += 2) {
    adjacent[adjFill[edges[e]]++] = edges[e + 1];
    adjacent[adjFill[edges[e + 1]]++] = edges[e];
  }

  let degreeMax = 0;
  for (let a = 0; a < n; a++) degreeMax = Math.max(degreeMax, adjStart[a + 1] - adjStart[a]);
  const heap = new MergeHeap(degreeMax + 1);
  const cursor = new Int32Array(degreeMax + 1); // per source: the next (older) position in byAuthor
  const floor = new Int32Array(degreeMax + 1); // per source: where its author's slice starts
  const picked = new Int32Array(timelineSize);
  const builtAt = new Date(now);
  let entries = 0;
  await phase("timelines", n, async (bar) => {
    const pipeline = new Pipeline(options.parallel ?? PARALLEL);
    let done = 0;
    let pending: (TimelineEntry & { memberId: string })[] = [];
    let members: string[] = [];
    const flush = async () => {
      const [list, marked] = [pending, members];
      [pending, members] = [[], []];
      await pipeline.add(async () => {
        if (list.length > 0) await store.importTimeline(list);
        for (let i = 0; i < marked.length; i += MARKS_IN_FLIGHT) {
          await Promise.all(marked.slice(i, i + MARKS_IN_FLIGHT).map((id) => store.setTimelineBuiltAt(id, builtAt)));
        }
        done += marked.length;
        bar.update(done);
      });
    };
    for (let member = 0; member < n; member++) {
      heap.size = 0;
      const sources = [member, ...adjacent.subarray(adjStart[member], adjStart[member + 1])];
      for (const [s, author] of sources.entries()) {
        floor[s] = byAuthorStart[author];
        cursor[s] = byAuthorStart[author + 1] - 1;
        if (cursor[s] >= floor[s]) heap.push(byAuthor[cursor[s]--], s);
      }
      let count = 0;
      while (count < timelineSize && heap.size > 0) {
        const s = heap.sources[0];
        picked[count++] = heap.keys[0];
        heap.replaceTop(cursor[s] >= floor[s] ? byAuthor[cursor[s]--] : -1, s);
      }
      const memberId = memberIds[member];
      for (let i = count - 1; i >= 0; i--) { // oldest first: appends to the member's range of a clustered key
        const p = picked[i];
        pending.push({
          memberId,
          postId: postIds[p],
          authorId: memberIds[postAuthor[p]],
          createdAt: new Date(postTime[p]),
        });
      }
      entries += count;
      members.push(memberId);
      if (pending.length >= batch) await flush();
    }
    await flush();
    await pipeline.drain();
    return entries;
  });

  return { memberIds, password, phases };
}

function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = ms / 1_000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The closing summary: what each phase wrote and how long it took. */
export function summary(result: SeedResult, kind: string): string {
  const total = result.phases.reduce((sum, p) => sum + p.ms, 0);
  const what = {
    members: "members",
    avatars: "profile pictures",
    connections: "connections",
    posts: "posts",
    timelines: "timeline entries",
  };
  const width = Math.max(...result.phases.map((p) => fmt(p.count).length));
  const lines = result.phases.map((p) =>
    `  ${p.name.padEnd(12)} ${fmt(p.count).padStart(width)} ${what[p.name].padEnd(17)} ${duration(p.ms).padStart(12)}`
  );
  return [
    `Seeded the ${kind} store in ${duration(total)}:`,
    ...lines,
    `Every seeded member (…@seed.prok.test) signs in with the password: ${result.password}`,
  ].join("\n");
}

if (import.meta.main) {
  const parsed = parseArgs(Deno.args);
  if ("error" in parsed) {
    if (parsed.error === "help") {
      console.log(USAGE);
      Deno.exit(0);
    }
    console.error(`seed: ${parsed.error}\n\n${USAGE}`);
    Deno.exit(2);
  }
  const config = configOrExit();
  const app = await openApp(config, { hashers: 1 });
  try {
    const result = await seed(app, { ...parsed.options, progress: true });
    console.log(summary(result, app.store.kind));
  } catch (err) {
    if (!(err instanceof SeedError)) throw err;
    console.error(`seed: ${err.message}`);
    Deno.exitCode = 1;
  } finally {
    await closeApp(app);
  }
}
