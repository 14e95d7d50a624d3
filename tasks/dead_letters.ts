// deno task dead-letters [--all] [--replay] — the events the queue gave up on: how many of each type, and the oldest
// 20 (or all) with their record, time and redrives. A running app sends each back every hour, at most 24 times
// (workers/dead_letters.ts); `--replay`, once the cause is fixed, gives every letter all its redrives back, and a
// running instance sends them at its next sweep (within the hour, or a minute after it starts).
import { kvPathOf } from "../services/config.ts";
import type { EventQueue } from "../services/store/ports/queue.ts";
import { configOrExit } from "./cli.ts";
import { type DeadLetter, isParked, REDRIVE_MAX, unpark } from "../workers/dead_letters.ts";

const SHOWN = 20;

export async function describeDeadLetters(queue: EventQueue, all = false): Promise<string[]> {
  const letters: DeadLetter[] = [];
  const byType = new Map<string, number>();
  for await (const letter of queue.deadLetters()) {
    letters.push(letter);
    const type = letter.event?.type ?? "(not an event)";
    byType.set(type, (byType.get(type) ?? 0) + 1);
  }
  if (letters.length === 0) return ["No dead letters: every event reached its workers."];
  letters.sort((a, b) => (a.event?.at ?? "").localeCompare(b.event?.at ?? ""));
  const parked = letters.filter((l) => isParked(l)).length;
  const lines = [
    `${letters.length} dead letter${letters.length === 1 ? "" : "s"} (${parked} out of redrives): ` +
    [...byType].map(([type, n]) => `${type} ${n}`).join(", "),
  ];
  for (const { key, event, redrives } of all ? letters : letters.slice(0, SHOWN)) {
    lines.push(
      event
        ? `  ${event.at}  ${event.type} ${event.id}  (event ${event.eventId}, redriven ${redrives}/${REDRIVE_MAX})`
        : `  ${key}: not an event; look at it in ${queue.kind === "mysql" ? "the dead_letters table" : "Deno KV"} ` +
          "and delete it by hand",
    );
  }
  if (!all && letters.length > SHOWN) lines.push(`  … and ${letters.length - SHOWN} more (--all lists them)`);
  return lines;
}

if (import.meta.main) {
  const args = new Set(Deno.args);
  for (const arg of args) {
    if (arg !== "--all" && arg !== "--replay") {
      console.error(`unknown option ${arg}\nusage: deno task dead-letters [--all] [--replay]`);
      Deno.exit(2);
    }
  }
  const config = configOrExit();
  // The queue the app uses: the MySQL dead_letters table beside DATABASE_URL's store, else the embedded Deno KV.
  let queue: EventQueue;
  let close: () => Promise<void>;
  if (config.databaseUrl) {
    const { openDatabase } = await import("../services/store/mysql/pool.ts");
    const { MysqlEventQueue } = await import("../services/store/mysql/queue.ts");
    const db = openDatabase(config.databaseUrl);
    queue = new MysqlEventQueue(db);
    close = () => db.close();
  } else {
    const { KvEventQueue } = await import("../services/store/kv/queue.ts");
    const kv = await Deno.openKv(kvPathOf(config));
    queue = new KvEventQueue(kv);
    close = () => Promise.resolve(kv.close());
  }
  try {
    if (args.has("--replay")) {
      const n = await unpark(queue);
      console.log(
        `${n} dead letter${n === 1 ? "" : "s"} given ${
          n === 1 ? "its" : "their"
        } redrives back; a running app sends them soon.`,
      );
    }
    for (const line of await describeDeadLetters(queue, args.has("--all"))) console.log(line);
  } finally {
    await close();
  }
}
