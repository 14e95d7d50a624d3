// The app's own telemetry, on top of what Deno exports by itself with OTEL_DENO=true (a server span per request,
// console lines as logs): spans around store calls, queue jobs and WebSocket frames, and the metrics the README lists.
// Deno's built-in SDK backs `@opentelemetry/api`, so nothing here exports or batches. With OTEL_DENO unset every
// helper returns its work untouched, and the store facades are not wrapped at all (bind.ts), so the default costs
// nothing on a request.
import { type Attributes, metrics, type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import type { QueueBacklog } from "./store/ports/queue.ts";
import type { PoolUsage } from "./store/store.ts";

/** Deno accepts only "true" and "false" here; anything else leaves its telemetry off, and so is ours. */
export const telemetryOn = readOn();

function readOn(): boolean {
  try {
    return Deno.env.get("OTEL_DENO") === "true";
  } catch {
    return false; // no env permission: Deno could not have read it either
  }
}

const tracer = trace.getTracer("prok");
const meter = metrics.getMeter("prok");

/** Runs `fn` in a span named `name` (the parent is the active one), marked failed when it throws. */
export function traced<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  if (!telemetryOn) return fn();
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      failed(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

function failed(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** Each port method of `methods` in a `store.<name>` span: one wrapper for every method of both stores. */
export function tracedMethods<T extends object>(kind: string, methods: T): T {
  if (!telemetryOn) return methods;
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(methods) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    const attributes = { "db.system.name": kind, "db.operation.name": name };
    out[name] = (...args: unknown[]) => traced(`store.${name}`, attributes, () => fn(...args));
  }
  return out as T;
}

/** The ids of the span in progress, for log lines; none outside one (or with telemetry off). */
export function traceFields(): { traceId: string; spanId: string } | null {
  if (!telemetryOn) return null;
  const context = trace.getActiveSpan()?.spanContext();
  return context ? { traceId: context.traceId, spanId: context.spanId } : null;
}

// Deno records `http.server.request.duration` itself, without the route: a name of our own keeps the two apart.
const requestDuration = meter.createHistogram("prok.http.request.duration", {
  description: "Time to answer a request, by route pattern, method and status",
  unit: "s",
});

/**
 * Names the request's server span (Deno's) by its route pattern, as OpenTelemetry's HTTP conventions do, and records
 * its duration. `route` is the framework's pattern (`/api/posts/:id`), never the raw path, so the metric's attribute
 * sets stay as few as the routes; a request no route matched (a static file, a 404) has none.
 */
export function recordRequest(method: string, route: string, status: number, seconds: number): void {
  if (!telemetryOn) return;
  const attributes: Attributes = { "http.request.method": method, "http.response.status_code": status };
  if (route) {
    attributes["http.route"] = route;
    const span = trace.getActiveSpan();
    span?.updateName(`${method} ${route}`);
    span?.setAttribute("http.route", route);
  }
  requestDuration.record(seconds, attributes);
}

const deliveries = meter.createCounter("prok.websocket.deliveries", {
  description: "Events sent to this process's WebSockets from pub/sub, by event type",
});

/** Counts `sockets` frames of `type` handed to open sockets. */
export function countDeliveries(type: string, sockets: number): void {
  if (telemetryOn && sockets > 0) deliveries.add(sockets, { "prok.event.type": type });
}

/** What the gauges read, each time the metrics are exported. */
export interface Gauges {
  /** Sockets open in this process. */
  openSockets(): number;
  backlog(): Promise<QueueBacklog>;
  pools(): PoolUsage[];
}

/** Registers the gauges (once per process, on the server). Without telemetry it does nothing. */
export function observe(gauges: Gauges): void {
  if (!telemetryOn) return;
  const sockets = meter.createObservableGauge("prok.websocket.open", { description: "WebSockets open here" });
  sockets.addCallback((result) => result.observe(gauges.openSockets()));

  const depth = meter.createObservableGauge("prok.queue.depth", { description: "Events waiting on the queue" });
  const age = meter.createObservableGauge("prok.queue.oldest_age", {
    description: "Age of the oldest event waiting on the queue",
    unit: "s",
  });
  const dead = meter.createObservableGauge("prok.queue.dead_letters", { description: "Events kept as dead letters" });
  // One read of the queue for the three: it is a store round trip.
  meter.addBatchObservableCallback(async (result) => {
    const backlog = await gauges.backlog();
    if (backlog.depth !== null) result.observe(depth, backlog.depth);
    result.observe(dead, backlog.deadLetters);
    const oldest = backlog.oldestAt ? Date.parse(backlog.oldestAt) : NaN;
    result.observe(age, Number.isNaN(oldest) ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
  }, [depth, age, dead]);

  const connections = meter.createObservableGauge("prok.db.pool.connections", {
    description: "Database pool connections by state (used, idle), callers waiting for one, and the limit",
  });
  connections.addCallback((result) => {
    for (const { pool, open, idle, waiting, limit } of gauges.pools()) {
      result.observe(open - idle, { "prok.db.pool": pool, "prok.db.pool.state": "used" });
      result.observe(idle, { "prok.db.pool": pool, "prok.db.pool.state": "idle" });
      result.observe(waiting, { "prok.db.pool": pool, "prok.db.pool.state": "waiting" });
      result.observe(limit, { "prok.db.pool": pool, "prok.db.pool.state": "limit" });
    }
  });
}
