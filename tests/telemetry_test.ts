// main.ts with OTEL_DENO=true, exporting to a small OTLP/HTTP receiver here (JSON encoding, which Deno's exporter
// speaks as well as protobuf): the spans, metrics and logs the README promises arrive with service.name=prok, and a
// request's log line carries its server span's trace id.
import { assert, assertEquals } from "../framework/testing/assert.ts";

const root = new URL("..", import.meta.url).pathname;
const CLEAN_ENV = ["DATABASE_URL", "REDIS_URL", "MEILI_URL", "MEILI_API_KEY", "SMTP_URL", "PROK_SECRET", "PROK_ORIGIN"];

type Attribute = { key: string; value: Record<string, unknown> };
type Resource = { attributes: Attribute[] };
interface OtlpSpan {
  traceId: string;
  name: string;
  kind: number;
  attributes: Attribute[];
}
interface OtlpMetric {
  name: string;
  [shape: string]: unknown;
}

/** What the receiver was sent, by signal, each item with its resource's service.name. */
class Received {
  spans: { service: unknown; span: OtlpSpan }[] = [];
  metrics: { service: unknown; metric: OtlpMetric }[] = [];
  logs = 0;

  take(path: string, body: Record<string, unknown[]>): void {
    const service = (resource: Resource) => attribute(resource.attributes, "service.name");
    if (path === "/v1/traces") {
      for (const r of body.resourceSpans as { resource: Resource; scopeSpans: { spans: OtlpSpan[] }[] }[]) {
        for (const scope of r.scopeSpans) {
          for (const span of scope.spans) this.spans.push({ service: service(r.resource), span });
        }
      }
    } else if (path === "/v1/metrics") {
      for (const r of body.resourceMetrics as { resource: Resource; scopeMetrics: { metrics: OtlpMetric[] }[] }[]) {
        for (const scope of r.scopeMetrics) {
          for (const metric of scope.metrics) this.metrics.push({ service: service(r.resource), metric });
        }
      }
    } else if (path === "/v1/logs") this.logs++;
  }

  span(name: string): OtlpSpan | undefined {
    return this.spans.find((s) => s.service === "prok" && s.span.name === name)?.span;
  }

  /** The data points of metric `name` from service prok, whatever its shape (histogram, gauge, sum). */
  points(name: string): { attributes: Attribute[]; asInt?: string; asDouble?: number }[] {
    return this.metrics.filter((m) => m.service === "prok" && m.metric.name === name)
      .flatMap((m) => Object.values(m.metric).flatMap((v) => (v as { dataPoints?: [] })?.dataPoints ?? []));
  }
}

function attribute(attributes: Attribute[], key: string): unknown {
  const value = attributes.find((a) => a.key === key)?.value;
  return value && Object.values(value)[0];
}

async function until<T>(what: string, read: () => T | undefined, detail: () => string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = read();
    if (value !== undefined && value !== false) return value;
    assert(Date.now() < deadline, `no ${what} arrived: ${detail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test("[telemetry] spans, metrics and logs reach an OTLP collector as service prok, logs with trace ids", async () => {
  const received = new Received();
  const receiver = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    received.take(new URL(req.url).pathname, await req.json());
    return Response.json({});
  });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const dataDir = await Deno.makeTempDir({ prefix: "prok-otel-" });
  const env = Deno.env.toObject();
  for (const name of CLEAN_ENV) delete env[name];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts"],
    cwd: root,
    env: {
      ...env,
      NO_COLOR: "1",
      PORT: String(port),
      PROK_DATA_DIR: dataDir,
      PROK_ENV: "development",
      PROK_DEMO: "0",
      PROK_DRAIN_MS: "0",
      OTEL_DENO: "true",
      OTEL_SERVICE_NAME: "prok",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.addr.port}`,
      OTEL_METRIC_EXPORT_INTERVAL: "200",
      OTEL_BSP_SCHEDULE_DELAY: "200",
      OTEL_BLRP_SCHEDULE_DELAY: "200",
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const lines: string[] = [];
  const pump = (async () => {
    let buffered = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      const parts = buffered.split("\n");
      buffered = parts.pop()!;
      lines.push(...parts);
    }
  })();
  const origin = `http://127.0.0.1:${port}`;
  const json = (path: string, body: unknown, token?: string) =>
    fetch(origin + path, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }).then(async (res) => ({ status: res.status, body: await res.json() }));
  let socket: WebSocket | undefined;
  try {
    await until("listening line", () => lines.some((l) => l.includes('"msg":"listening"')), () => lines.join("\n"));
    assertEquals((await fetch(`${origin}/healthz`).then((r) => r.text())).length > 0, true);
    const registered = await json("/api/auth/register", {
      email: `otel.${crypto.randomUUID().slice(0, 8)}@example.com`,
      password: "correct horse battery",
      firstName: "Ada",
      lastName: "Lovelace",
    });
    assertEquals(registered.status, 201, JSON.stringify(registered.body));
    const token = registered.body.accessToken as string;
    const posted = await json("/api/posts", { content: "traced" }, token);
    assertEquals(posted.status, 201, JSON.stringify(posted.body));
    const ticket = await json("/api/ws/ticket", {}, token);
    socket = new WebSocket(`ws://127.0.0.1:${port}/api/ws?ticket=${ticket.body.ticket}`);
    const synced = new Promise<void>((resolve) => {
      socket!.onmessage = (e) => JSON.parse(e.data).type === "sync" && resolve();
    });
    await new Promise((resolve) => socket!.onopen = resolve);
    socket.send(JSON.stringify({ type: "sync", data: { since: null } }));
    await synced;

    const detail = () => JSON.stringify(received.spans.map((s) => [s.service, s.span.name]));
    // Deno's server span, named by the route pattern; the app's own spans beneath it and on the socket.
    const server = await until("server span", () => received.span("POST /api/posts"), detail);
    assertEquals([server.kind, attribute(server.attributes, "http.route")], [2, "/api/posts"]);
    const store = await until("store span", () => received.span("store.createPost"), detail);
    assertEquals(store.traceId, server.traceId, "a store call is part of its request's trace");
    await until("websocket span", () => received.span("websocket sync"), detail);
    await until("queue span", () => received.span("queue post.created"), detail);

    const names = () => JSON.stringify([...new Set(received.metrics.map((m) => m.metric.name))]);
    const latency = await until("latency metric", () => {
      const points = received.points("prok.http.request.duration");
      return points.some((p) => attribute(p.attributes, "http.route") === "/api/posts") ? points : undefined;
    }, names);
    assert(!latency.some((p) => String(attribute(p.attributes, "http.route")).includes(posted.body.id)));
    await until("open sockets at 1", () => received.points("prok.websocket.open").some((p) => p.asDouble === 1), names);
    await until("queue depth", () => received.points("prok.queue.depth").length > 0, names);
    await until("logs", () => received.logs > 0, () => "none");

    // The JSON line of the request carries the trace id of the span the collector got.
    const line = lines.map((l) => l.startsWith("{") ? JSON.parse(l) : {})
      .find((l) => l.msg === "request" && l.path === "/api/posts" && l.method === "POST");
    assertEquals(line?.traceId, server.traceId, JSON.stringify(line));
  } finally {
    socket?.close();
    child.kill("SIGTERM");
    await child.status;
    await pump.catch(() => {});
    await receiver.shutdown();
    await Deno.remove(dataDir, { recursive: true });
  }
});
