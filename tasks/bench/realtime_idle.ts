// Idle sockets: many members' sockets held by one fresh app instance, and what they cost it in resident memory, next
// to the same number on a bare Deno.upgradeWebSocket server (tasks/bench/ws_hello.ts): the runtime's own share.
import { fileLimit, openFiles, rssBytes } from "./proc_stats.ts";
import { fileLimitWrapped, freePort, type Server, startServer, stop } from "./processes.ts";
import { type AppOptions, assertAlive, LOAD_CLIENTS, OPENING, sleep, socketTo, startApp } from "./realtime_apps.ts";
import type { RealtimeFixture } from "./realtime_fixture.ts";
import type { SocketSpec } from "./ws_clients.ts";
import { WsFleet } from "./ws_fleet.ts";

/** Seconds the sockets sit idle before the settled figure is read (V8's memory reducer needs a quiet spell). */
const SETTLE_S = 45;

/** Sockets opened to one server and its resident memory before and after (bytes). */
export interface IdleSockets {
  sockets: number;
  opened: number;
  failed: number;
  errors: string[];
  openMs: number;
  rssBefore: number;
  /** The highest resident size while the sockets were opening and settling. */
  rssPeak: number;
  /** The resident size once idle (the highest of the last five one-second samples). */
  rssAfter: number;
  perSocketBytes: number;
  openFiles: number | null;
  fileLimit: number | null;
}

/** The app instance's idle sockets, and the same on a bare Deno.upgradeWebSocket server. */
export interface IdleResult extends IdleSockets {
  baseline: IdleSockets;
}

/** Opens idle sockets to a server from the load clients; its resident memory before and after. */
async function holdIdle(options: AppOptions, server: Server, specs: SocketSpec[][]): Promise<IdleSockets> {
  const fleet = WsFleet.start(LOAD_CLIENTS, options.root, options.env({}));
  try {
    await sleep(2_000);
    const rssBefore = rssBytes(server.child.pid) ?? 0;
    const opened = await fleet.open(specs, OPENING);
    // Opening thousands of sockets at once leaves garbage that V8 only gives back once the process has been quiet for
    // a while: the peak is that burst, the settled figure is what the sockets cost while they sit idle.
    let rssPeak = 0;
    const settled: number[] = [];
    for (let k = 0; k < SETTLE_S; k++) {
      await sleep(1_000);
      const rss = rssBytes(server.child.pid) ?? 0;
      rssPeak = Math.max(rssPeak, rss);
      if (k >= SETTLE_S - 5) settled.push(rss);
    }
    // The highest of the last samples: an idle ping or a late collection must not flatter the figure.
    const rssAfter = Math.max(...settled);
    assertAlive(server);
    return {
      sockets: specs.flat().length,
      opened: opened.opened,
      failed: opened.failed,
      errors: opened.errors,
      openMs: opened.ms,
      rssBefore,
      rssPeak,
      rssAfter,
      perSocketBytes: opened.opened ? (rssAfter - rssBefore) / opened.opened : 0,
      openFiles: openFiles(server.child.pid),
      fileLimit: fileLimit(server.child.pid),
    };
  } finally {
    await fleet.close();
  }
}

/**
 * `n` sockets of `n` members (one each) on one fresh app instance, and as many on a bare Deno.upgradeWebSocket
 * server first (the runtime's own share of the cost).
 */
export async function idleSockets(
  options: AppOptions,
  fixture: RealtimeFixture,
  n: number,
  logs: string,
): Promise<IdleResult> {
  const split = <T>(make: (i: number) => T): T[][] => {
    const specs: T[][] = Array.from({ length: LOAD_CLIENTS }, () => []);
    for (let i = 0; i < n; i++) specs[i % LOAD_CLIENTS].push(make(i));
    return specs;
  };
  options.progress(
    `idle sockets: ${n.toLocaleString("en-US")} on a bare Deno.upgradeWebSocket server (tasks/bench/ws_hello.ts)`,
  );
  const port = freePort();
  const hello = await startServer({
    name: "WebSocket baseline",
    args: fileLimitWrapped([Deno.execPath(), "run", "-A", "tasks/bench/ws_hello.ts"]),
    cwd: options.root,
    env: options.env({ PORT: String(port) }),
    port,
    readyPath: "/",
  });
  let baseline: IdleSockets;
  try {
    baseline = await holdIdle(options, hello, split((i) => socketTo(hello, "-", i, null, "/")));
  } finally {
    await stop(hello.child);
  }

  options.progress(`idle sockets: signing ${n.toLocaleString("en-US")} members in (sessions + access tokens)`);
  const tokens = await fixture.signIn(Array.from({ length: n }, (_, i) => i));
  options.progress(`idle sockets: ${n.toLocaleString("en-US")} on a fresh app instance`);
  const app = await startApp(options, "app (idle sockets)", await fixture.storeEnv("idle"), `${logs}/idle.log`);
  try {
    return { ...await holdIdle(options, app, split((i) => socketTo(app, tokens[i], i, null))), baseline };
  } finally {
    await stop(app.child);
  }
}
