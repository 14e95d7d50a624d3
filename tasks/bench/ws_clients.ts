// A WebSocket load client of the real-time bench, run as its own process so the load it makes is measured apart
// from the servers (and can be watched on its own in top): it opens sockets the way a browser tab does (session
// cookie + Origin), sends `message:send` at a given rate, and checks what comes back. Driven by the bench through
// one JSON command per line on stdin; answers one JSON line per command on stdout (see ws_fleet.ts).
//
// Both members of a pair, and all their sockets, live in the same client process: a message's send time and its
// arrival on every socket are read from one clock (performance.now()), with no cross-process clock skew.
import { Histogram, type HistogramJson } from "./histogram.ts";

/** One socket to open: a member's session on one instance, and the member it sends to (null: an idle socket). */
export interface SocketSpec {
  url: string;
  origin: string;
  token: string;
  /** The member's number in the bench (their sockets are grouped by it). */
  member: number;
  partner: { member: number; id: string } | null;
}

export type Command =
  | { id: number; type: "open"; sockets: SocketSpec[]; concurrency: number; timeoutMs: number }
  | { id: number; type: "run"; rate: number; durationMs: number; drainMs: number; tag: string; ids: boolean }
  | { id: number; type: "quiet"; idleMs: number; timeoutMs: number }
  | { id: number; type: "close" };

export interface OpenResult {
  opened: number;
  failed: number;
  /** The first few reasons sockets did not open. */
  errors: string[];
  ms: number;
}

export interface RunResult {
  /** message:send frames sent, and the sockets that had to be skipped (closed). */
  sent: number;
  skipped: number;
  acked: number;
  /** error frames by code (rate-limited, forbidden, internal...). */
  errors: Record<string, number>;
  /** message:receive frames on sockets that should get them, counted once per socket and message. */
  delivered: number;
  /** What acknowledged messages should have reached: the receiver's open sockets + the sender's other ones. */
  expected: number;
  /** The same message twice on one socket. */
  duplicates: number;
  /** A message:receive on a socket that should not get it (the sending socket, a stranger). */
  unexpected: number;
  /** The same clientId arriving as two different message ids (a message stored twice). */
  mismatched: number;
  /** message:receive frames for no message of this run. */
  strays: number;
  /** Whether every ack and delivery arrived before the drain time ran out. */
  drained: boolean;
  /** From the first send: when sending ended, and when the last expected delivery arrived. */
  sendMs: number;
  lastDeliveryMs: number;
  /** Send → each delivery, and send → ack. */
  latency: HistogramJson;
  ack: HistogramJson;
  /** Every frame that arrived in this run, by type. */
  frames: Record<string, number>;
  /** Sockets the server closed during the run, by close code. */
  closed: Record<string, number>;
  /** Message ids of every acknowledged message (when asked for). */
  ackedIds?: string[];
}

interface Client {
  index: number;
  spec: SocketSpec;
  ws: WebSocket;
  open: boolean;
}

interface Pending {
  sentAt: number;
  /** Socket indexes that should get message:receive, and those that did. */
  expected: number[];
  got: number[];
  id?: string;
  acked: boolean;
  failed: boolean;
}

const clients: Client[] = [];
const byMember = new Map<number, Client[]>();
let closing = false;
/** When the last frame arrived (performance.now()), to tell when the servers have nothing more on the way. */
let lastFrameAt = 0;

/** The run in progress; frames that arrive between runs only count as strays of the next one. */
let run: {
  pending: Map<string, Pending>;
  started: number;
  outstanding: number;
  result: RunResult;
  latency: Histogram;
  ack: Histogram;
} | null = null;
let straysBetweenRuns = 0;
const framesBetweenRuns: Record<string, number> = {};
const closedBetweenRuns: Record<string, number> = {};

function bump(counts: Record<string, number>, key: string) {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** `{"type":"x",...}`: the type without parsing the frame (the hub writes `type` first). */
function frameType(text: string): string {
  if (text.startsWith('{"type":"')) {
    const end = text.indexOf('"', 9);
    if (end > 0) return text.slice(9, end);
  }
  try {
    return String(JSON.parse(text).type);
  } catch {
    return "unparsable";
  }
}

function onFrame(client: Client, data: unknown) {
  const now = performance.now();
  lastFrameAt = now;
  if (typeof data !== "string") return void bump(run?.result.frames ?? framesBetweenRuns, "binary");
  const type = frameType(data);
  if (!run) {
    bump(framesBetweenRuns, type);
    if (type === "message:receive") straysBetweenRuns++;
    return;
  }
  const r = run;
  bump(r.result.frames, type);
  if (type === "message:receive") {
    const message = JSON.parse(data).data.message as { id: string; clientId: string | null };
    const p = message.clientId === null ? undefined : r.pending.get(message.clientId);
    if (!p) return void r.result.strays++;
    if (p.id === undefined) p.id = message.id;
    else if (p.id !== message.id) r.result.mismatched++;
    if (p.got.includes(client.index)) return void r.result.duplicates++;
    p.got.push(client.index);
    if (!p.expected.includes(client.index)) return void r.result.unexpected++;
    r.result.delivered++;
    r.outstanding--;
    r.result.lastDeliveryMs = now - r.started;
    r.latency.record(now - p.sentAt);
  } else if (type === "message:ack") {
    const { clientId, message } = JSON.parse(data).data as { clientId: string; message: { id: string } };
    const p = r.pending.get(clientId);
    if (!p || p.acked) return void r.result.strays++;
    p.acked = true;
    if (p.id === undefined) p.id = message.id;
    else if (p.id !== message.id) r.result.mismatched++;
    r.result.acked++;
    r.outstanding--;
    r.ack.record(now - p.sentAt);
  } else if (type === "error") {
    const { code, clientId } = JSON.parse(data).data as { code: string; clientId?: string };
    bump(r.result.errors, code);
    const p = clientId === undefined ? undefined : r.pending.get(clientId);
    if (p && !p.acked && !p.failed) {
      // Refused: no ack and no delivery will come.
      p.failed = true;
      r.outstanding -= 1 + p.expected.length - p.got.filter((i) => p.expected.includes(i)).length;
    }
  }
}

/** Deno's WebSocket takes handshake headers; the "dom" lib of deno.json only knows the browser's constructor. */
const HeaderedWebSocket = WebSocket as unknown as new (url: string, options: { headers: HeadersInit }) => WebSocket;

function connect(spec: SocketSpec, timeoutMs: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new HeaderedWebSocket(spec.url, { headers: { cookie: `prok_at=${spec.token}`, origin: spec.origin } });
    const client: Client = { index: clients.length, spec, ws, open: false };
    clients.push(client);
    const timer = setTimeout(() => {
      reject(new Error(`no open within ${timeoutMs} ms`));
      ws.close();
    }, timeoutMs);
    ws.onopen = () => {
      clearTimeout(timer);
      client.open = true;
      resolve(client);
    };
    ws.onerror = (e) => {
      clearTimeout(timer);
      reject(new Error((e as ErrorEvent).message || "websocket error"));
    };
    ws.onclose = (e) => {
      clearTimeout(timer);
      const wasOpen = client.open;
      client.open = false;
      if (wasOpen && !closing) bump(run?.result.closed ?? closedBetweenRuns, String(e.code));
      reject(new Error(`closed ${e.code} ${e.reason}`));
    };
    ws.onmessage = (e) => onFrame(client, e.data);
  });
}

async function open(command: Extract<Command, { type: "open" }>): Promise<OpenResult> {
  const started = performance.now();
  const result: OpenResult = { opened: 0, failed: 0, errors: [], ms: 0 };
  let next = 0;
  const worker = async () => {
    while (next < command.sockets.length) {
      const spec = command.sockets[next++];
      try {
        const client = await connect(spec, command.timeoutMs);
        const mine = byMember.get(spec.member) ?? [];
        mine.push(client);
        byMember.set(spec.member, mine);
        result.opened++;
      } catch (err) {
        result.failed++;
        if (result.errors.length < 5) result.errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, worker));
  result.ms = performance.now() - started;
  return result;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function send(command: Extract<Command, { type: "run" }>): Promise<RunResult> {
  const senders = clients.filter((c) => c.spec.partner !== null);
  const result: RunResult = {
    sent: 0,
    skipped: 0,
    acked: 0,
    errors: {},
    delivered: 0,
    expected: 0,
    duplicates: 0,
    unexpected: 0,
    mismatched: 0,
    strays: straysBetweenRuns,
    drained: false,
    sendMs: 0,
    lastDeliveryMs: 0,
    latency: { buckets: [], over: [], max: 0 },
    ack: { buckets: [], over: [], max: 0 },
    frames: { ...framesBetweenRuns },
    closed: { ...closedBetweenRuns },
  };
  straysBetweenRuns = 0;
  for (const counts of [framesBetweenRuns, closedBetweenRuns]) for (const k in counts) delete counts[k];
  const current = {
    pending: new Map<string, Pending>(),
    started: performance.now(),
    outstanding: 0,
    result,
    latency: new Histogram(),
    ack: new Histogram(),
  };
  run = current;
  let turn = 0;
  let seq = 0;
  const sendOne = () => {
    for (let tries = 0; tries < senders.length; tries++) {
      const client = senders[turn++ % senders.length];
      if (!client.open) {
        result.skipped++;
        continue;
      }
      const clientId = `${command.tag}-${seq++}`;
      const expected = [
        ...(byMember.get(client.spec.partner!.member) ?? []),
        ...(byMember.get(client.spec.member) ?? []).filter((c) => c !== client),
      ].filter((c) => c.open).map((c) => c.index);
      current.pending.set(clientId, { sentAt: performance.now(), expected, got: [], acked: false, failed: false });
      current.outstanding += 1 + expected.length;
      result.expected += expected.length;
      client.ws.send(JSON.stringify({
        type: "message:send",
        data: { receiverId: client.spec.partner!.id, content: `bench ${clientId}`, clientId },
      }));
      result.sent++;
      return;
    }
  };
  // Sends on schedule: by each tick, as many as the rate says should have gone since the start.
  while (performance.now() - current.started < command.durationMs) {
    const due = Math.floor(((performance.now() - current.started) * command.rate) / 1000) + 1 - result.sent;
    for (let i = 0; i < due && senders.length > 0; i++) sendOne();
    await sleep(2);
  }
  result.sendMs = performance.now() - current.started;
  const deadline = performance.now() + command.drainMs;
  while (current.outstanding > 0 && performance.now() < deadline) await sleep(10);
  result.drained = current.outstanding <= 0;
  run = null;
  // Refused messages were taken off `expected` as they failed; what stays unacknowledged still counts as expected.
  let refused = 0;
  for (const p of current.pending.values()) if (p.failed) refused += p.expected.length;
  result.expected -= refused;
  result.latency = current.latency.toJSON();
  result.ack = current.ack.toJSON();
  if (command.ids) {
    result.ackedIds = [];
    for (const p of current.pending.values()) if (p.acked && p.id) result.ackedIds.push(p.id);
  }
  return result;
}

/** Waits until no frame has arrived for `idleMs` (a backlog on the servers has drained), at most `timeoutMs`. */
async function quiet(idleMs: number, timeoutMs: number): Promise<{ quiet: boolean; waitedMs: number }> {
  const started = performance.now();
  while (performance.now() - lastFrameAt < idleMs) {
    if (performance.now() - started > timeoutMs) return { quiet: false, waitedMs: performance.now() - started };
    await sleep(50);
  }
  return { quiet: true, waitedMs: performance.now() - started };
}

async function closeAll(): Promise<{ closed: number }> {
  closing = true;
  const closed = clients.filter((c) => c.ws.readyState !== WebSocket.CLOSED).map((c) =>
    new Promise<void>((resolve) => {
      c.ws.addEventListener("close", () => resolve());
      c.ws.close(1000, "bench done");
    })
  );
  await Promise.race([Promise.all(closed), sleep(5_000)]);
  return { closed: closed.length };
}

async function handle(command: Command): Promise<unknown> {
  switch (command.type) {
    case "open":
      return await open(command);
    case "run":
      return await send(command);
    case "quiet":
      return await quiet(command.idleMs, command.timeoutMs);
    case "close":
      return await closeAll();
  }
}

if (import.meta.main) {
  const encoder = new TextEncoder();
  const reply = async (line: unknown) => {
    const bytes = encoder.encode(JSON.stringify(line) + "\n");
    for (let at = 0; at < bytes.length;) at += await Deno.stdout.write(bytes.subarray(at));
  };
  let buffered = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const command = JSON.parse(buffered.slice(0, newline)) as Command;
      buffered = buffered.slice(newline + 1);
      // Commands run one at a time, as the bench sends them; each answers with its id.
      try {
        await reply({ id: command.id, ok: true, value: await handle(command) });
      } catch (err) {
        await reply({
          id: command.id,
          ok: false,
          error: err instanceof Error ? err.stack ?? err.message : String(err),
        });
      }
    }
  }
  await closeAll();
  Deno.exit(0);
}
