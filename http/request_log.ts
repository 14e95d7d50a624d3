// Request ids and one JSON line per request. The query string is left out of the log because it may carry tokens.
import { log } from "../services/log.ts";

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keeps a well-formed id from an upstream proxy so traces line up; otherwise makes one. */
export function requestIdFor(req: Request): string {
  const incoming = req.headers.get("x-request-id");
  return incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
}

export interface RequestLine {
  requestId: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  remote: string;
}

export function logRequest(line: RequestLine): void {
  log.info("request", { ...line });
}
