// The real-time section of the bench report: its tables and lines, and its budget lines (QUALITY.md, "real-time").
import type { CpuUse } from "./proc_stats.ts";
import { REALTIME_BUDGET, type RealtimeResult } from "./realtime.ts";
import { type Check, fmt, table } from "./report.ts";

const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;
const cores = (n: number | undefined) => n === undefined ? "-" : `${Math.round(n * 100)}%`;
const counts = (record: Record<string, number>) =>
  Object.keys(record).length ? Object.entries(record).map(([k, n]) => `${k} ${fmt.int(n)}`).join(", ") : "0";
const total = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

/** CPU the machine spent outside the watched processes (another job on the box, the kernel, the bench itself). */
const others = (cpu: CpuUse) => Math.max(0, cpu.machine.busy - Object.values(cpu.groups).reduce((a, b) => a + b, 0));

/** "app A 85%, app B 80%, ..., other processes 10%; machine 1.98 of 2 cores busy": who used the CPU. */
export function cpuLine(cpu: CpuUse): string {
  const groups = Object.entries(cpu.groups).map(([name, n]) => `${name} ${cores(n)}`).join(", ");
  return `${groups}, other processes ${cores(others(cpu))}; machine ${cpu.machine.busy.toFixed(2)} of ` +
    `${cpu.machine.cores} cores busy`;
}

export function realtimeChecks(r: RealtimeResult): Check[] {
  const { deliveriesPerSecond, maxP99Ms, idleSockets, maxIdleBytes } = REALTIME_BUDGET;
  const atBudget = r.ramp.find((s) => s.offered >= deliveriesPerSecond && s.sustained && total(s.errors) === 0);
  const best = r.maxSustained;
  const checks: Check[] = [{
    what: `real-time: ${fmt.int(deliveriesPerSecond)} deliveries/s across ${r.instances} instances via Redis, ` +
      `${fmt.int(r.sockets)} sockets, p99 ≤ ${maxP99Ms} ms`,
    value: atBudget
      ? `${fmt.int(atBudget.achieved)}/s, p99 ${fmt.ms(atBudget.latency.p99)}`
      : best
      ? `at most ${fmt.int(best.achieved)}/s sustained (p99 ${fmt.ms(best.latency.p99)}` +
        (total(best.errors) ? `, ${fmt.int(total(best.errors))} refused)` : ")")
      : "no rate sustained",
    pass: atBudget !== undefined,
  }, {
    what: `real-time: ${fmt.int(idleSockets)} idle sockets on one instance ≤ ${mb(maxIdleBytes)} resident`,
    value: `${mb(r.idle.rssAfter)} settled with ${fmt.int(r.idle.opened)} open ` +
      `(+${mb(r.idle.rssAfter - r.idle.rssBefore)}; peak ${mb(r.idle.rssPeak)})`,
    pass: r.idle.opened === idleSockets && r.idle.rssAfter <= maxIdleBytes,
  }];
  const soak = r.soak;
  if (soak) {
    checks.push({
      what: `real-time soak, ${soak.minutes} min: every message acked, stored once, delivered once to each socket`,
      value: `${fmt.int(soak.sent)} sent, ${fmt.int(soak.acked)} acked` +
        (soak.sent > soak.acked ? ` (${fmt.int(soak.sent - soak.acked)} refused with an error)` : "") +
        `, ${fmt.int(soak.stored)} stored; ${fmt.int(soak.lost)} lost, ${fmt.int(soak.duplicates)} duplicated`,
      pass: soak.sent > 0 && soak.acked === soak.sent && soak.stored === soak.acked && soak.ackedNotStored === 0 &&
        soak.storedNotAcked === 0 && soak.lost === 0 && soak.duplicates === 0 && soak.unexpected === 0 &&
        soak.mismatched === 0 && soak.strays === 0 && total(soak.errors) === 0 && total(soak.closed) === 0 &&
        total(soak.serverFailures) === 0,
    });
  }
  return checks;
}

export function realtimeReport(r: RealtimeResult): string {
  const lines: string[] = [];
  const groups = Object.keys(r.ramp[0]?.cpu.groups ?? {});
  lines.push(
    `Real-time: ${r.instances} instances of main.ts (production) joined by Redis pub/sub (${r.redisUrl}); store: ` +
      `${r.store}. ${fmt.int(r.members)} members with one socket on each instance (${fmt.int(r.sockets)} sockets, ` +
      `pairs of accepted connections), ${r.loadClients} load client processes; each message reaches ` +
      `${r.perMessage} sockets (the receiver's ${r.instances}, the sender's other one).`,
  );
  lines.push("");
  lines.push(table([
    [
      "offered/s",
      "sent msg/s",
      "delivered/s",
      "p50",
      "p90",
      "p99",
      "max",
      "ack p50",
      "ack p99",
      "lost",
      "errors",
      ...groups.map((g) => `CPU ${g}`),
      "others",
      "busy",
      "",
    ],
    ...r.ramp.map((s) => [
      fmt.int(s.offered),
      fmt.int(s.sendRate),
      fmt.int(s.achieved),
      fmt.ms(s.latency.p50),
      fmt.ms(s.latency.p90),
      fmt.ms(s.latency.p99),
      fmt.ms(s.latency.max),
      fmt.ms(s.ack.p50),
      fmt.ms(s.ack.p99),
      fmt.int(s.lost),
      fmt.int(total(s.errors)),
      ...groups.map((g) => cores(s.cpu.groups[g])),
      cores(others(s.cpu)),
      `${s.cpu.machine.busy.toFixed(2)}/${s.cpu.machine.cores}`,
      (s.sustained ? "sustained" : s.drained ? "not sustained" : "not sustained, backlog") +
      (total(s.errors) ? `, ${fmt.int(total(s.errors))} refused` : ""),
    ]),
  ], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ...groups.map((_, i) => 11 + i), 11 + groups.length, 12 + groups.length]));
  lines.push(
    "CPU: share of one core per process over each step (100% = one core); all of them share the machine's " +
      `${r.ramp[0]?.cpu.machine.cores ?? "?"} cores, "others" is everything else that ran meanwhile` +
      (groups.includes("mysql") ? " (the database server's figure includes its other clients' queries)." : "."),
  );
  const best = r.maxSustained;
  lines.push(
    best
      ? `Highest sustained rate: ${fmt.int(best.achieved)} deliveries/s (${fmt.int(best.sendRate)} messages/s), ` +
        `p50 ${fmt.ms(best.latency.p50)}, p99 ${fmt.ms(best.latency.p99)}.`
      : "No rate was sustained (every acked message delivered, ≥ 95% of the offered rate, p99 within budget).",
  );
  const frames = Object.entries(r.framesPerMessage).sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${type} ${n.toFixed(2)}`).join(", ");
  lines.push(`Frames the sockets got per message sent: ${frames}.`);
  const errors = r.ramp.reduce<Record<string, number>>((all, s) => {
    for (const [k, n] of Object.entries(s.errors)) all[k] = (all[k] ?? 0) + n;
    return all;
  }, {});
  if (total(errors)) lines.push(`Error frames over the ramp: ${counts(errors)}.`);
  const closed = r.ramp.reduce<Record<string, number>>((all, s) => {
    for (const [k, n] of Object.entries(s.closed)) all[k] = (all[k] ?? 0) + n;
    return all;
  }, {});
  if (total(closed)) lines.push(`Sockets the servers closed during the ramp, by code: ${counts(closed)}.`);
  for (const [what, n] of Object.entries(r.rampServerFailures)) lines.push(`  server log, ${fmt.int(n)}x: ${what}`);

  const idle = r.idle;
  const base = idle.baseline;
  lines.push("");
  lines.push(
    `Idle sockets: ${fmt.int(idle.opened)} of ${fmt.int(idle.sockets)} open on one fresh instance in ` +
      `${(idle.openMs / 1000).toFixed(1)} s${
        idle.failed ? ` (${fmt.int(idle.failed)} failed: ${idle.errors[0]})` : ""
      }; ` +
      `resident ${mb(idle.rssBefore)} → ${mb(idle.rssAfter)} once settled (+${mb(idle.rssAfter - idle.rssBefore)}, ` +
      `${fmt.kb(idle.perSocketBytes)} per socket; ${mb(idle.rssPeak)} at the peak of opening); ${
        idle.openFiles === null ? "?" : fmt.int(idle.openFiles)
      } open ` +
      `files of a limit of ${idle.fileLimit === null ? "?" : fmt.int(idle.fileLimit)}.`,
  );
  lines.push(
    `  bare Deno.upgradeWebSocket server, same clients: ${fmt.int(base.opened)} open, resident ${
      mb(base.rssBefore)
    } → ` +
      `${mb(base.rssAfter)} once settled (+${mb(base.rssAfter - base.rssBefore)}, ${fmt.kb(base.perSocketBytes)} ` +
      `per socket; ${mb(base.rssPeak)} at the peak): ` +
      `the runtime's own share.`,
  );

  const soak = r.soak;
  if (soak) {
    lines.push("");
    lines.push(
      `Soak: ${soak.minutes} min at ${fmt.int(soak.offered)} deliveries/s offered ` +
        `(${fmt.int(soak.messagesPerSecond)} messages/s) across both instances.`,
    );
    lines.push(
      `  messages: ${fmt.int(soak.sent)} sent, ${fmt.int(soak.acked)} acked, ${fmt.int(soak.stored)} stored ` +
        `(${fmt.int(soak.ackedNotStored)} acked but not stored, ${fmt.int(soak.storedNotAcked)} stored but not acked)`,
    );
    lines.push(
      `  deliveries: ${fmt.int(soak.delivered)} of ${fmt.int(soak.expected)} expected; ${fmt.int(soak.lost)} lost, ` +
        `${fmt.int(soak.duplicates)} duplicated, ${fmt.int(soak.unexpected)} on a wrong socket, ` +
        `${fmt.int(soak.mismatched)} clientIds stored twice, ${fmt.int(soak.strays)} strays`,
    );
    lines.push(
      `  latency p50 ${fmt.ms(soak.latency.p50)}, p99 ${fmt.ms(soak.latency.p99)}, max ${fmt.ms(soak.latency.max)}; ` +
        `error frames: ${counts(soak.errors)}; sockets closed by the servers: ${counts(soak.closed)}`,
    );
    lines.push(
      `  resident: app A ${mb(soak.rss.a[0])} → ${mb(soak.rss.a[1])}, app B ${mb(soak.rss.b[0])} → ` +
        `${mb(soak.rss.b[1])}; CPU: ${cpuLine(soak.cpu)}`,
    );
    for (const [what, n] of Object.entries(soak.serverFailures)) lines.push(`  server log, ${fmt.int(n)}x: ${what}`);
  }
  return lines.join("\n");
}
