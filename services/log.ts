// The one logger of the server: JSON lines on stdout (errors and warnings on stderr), each with its time, level and
// message, plus the request id when the line is written while a request is being answered and, with OpenTelemetry on,
// the trace and span ids of the span in progress, so a line finds its trace. Collectors read one event per line, so
// nothing here ever prints a multi-line value: an error's stack is one string field.
import { AsyncLocalStorage } from "node:async_hooks";
import { traceFields } from "./telemetry.ts";

export type Level = "debug" | "info" | "warn" | "error";

export type Fields = Record<string, unknown>;

const requests = new AsyncLocalStorage<string>();

/** Runs `fn` with `requestId` attached to every line logged from it, across awaits. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return requests.run(requestId, fn);
}

/** An error as plain fields: its name, message and stack (one string), and the code of a system or driver error. */
export function errorFields(err: unknown): Fields {
  if (!(err instanceof Error)) return { message: String(err) };
  const out: Fields = { name: err.name, message: err.message };
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") out.code = code;
  if (err.stack) out.stack = err.stack;
  if (err.cause !== undefined) out.cause = errorFields(err.cause);
  return out;
}

// JSON.stringify drops what it cannot write (a BigInt would throw); Errors nested in fields become errorFields.
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return errorFields(value);
  return value;
}

function formatLine(level: Level, msg: string, fields: Fields = {}): string {
  const requestId = requests.getStore();
  const line: Fields = { time: new Date().toISOString(), level, msg };
  if (requestId) line.requestId = requestId;
  const trace = traceFields();
  if (trace) Object.assign(line, trace);
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined && key !== "time" && key !== "level" && key !== "msg") line[key] = value;
  }
  return JSON.stringify(line, replacer);
}

function write(level: Level, msg: string, fields?: Fields): void {
  const line = formatLine(level, msg, fields);
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const log = {
  debug: (msg: string, fields?: Fields) => write("debug", msg, fields),
  info: (msg: string, fields?: Fields) => write("info", msg, fields),
  warn: (msg: string, fields?: Fields) => write("warn", msg, fields),
  error: (msg: string, fields?: Fields) => write("error", msg, fields),
};

/**
 * For callers that build whole records (`{ msg, level?, ...fields }`): the security, search and worker logs. A
 * missing level is info; a missing msg is the record's kind.
 */
export function logRecord(record: Fields): void {
  const { level, msg, ...fields } = record;
  const lvl: Level = level === "warn" || level === "error" || level === "debug" ? level : "info";
  write(lvl, typeof msg === "string" ? msg : String(fields.kind ?? "event"), fields);
}
