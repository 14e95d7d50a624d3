// Request ids and one JSON line per request. The query string is left out of the log because it may carry tokens.

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keeps a well-formed id from an upstream proxy so traces line up; otherwise makes one. */
export function requestIdFor(req: Request): string {
  const incoming = req.headers.get("x-request-id");
  return incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
}

export interface RequestLine {
  id: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  remote: string;
}

export function logRequest(line: RequestLine): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), level: "info", msg: "request", ...line }));
}
