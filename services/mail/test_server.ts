// For tests: a real SMTP server (the `smtp-server` package) on 127.0.0.1 and an ephemeral port, keeping what it
// receives decoded just enough to check (RFC 2047 headers, base64 and quoted-printable parts, UTF-8).
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export interface Received {
  /** The envelope's recipients. */
  rcptTo: string[];
  mailFrom: string;
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string | null;
  raw: string;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  received: Received[];
  /** The next DATA (or RCPT TO, for 5xx about a recipient) is answered with this code instead of 250. */
  failNext(code: number, at?: "data" | "rcpt"): void;
  close(): Promise<void>;
}

/**
 * Starts a server on `port` (default: any free one); with `auth`, it requires those credentials (over plain TCP: it
 * is a test).
 */
export async function startSmtpServer(
  options: { auth?: { user: string; pass: string }; port?: number } = {},
): Promise<TestSmtpServer> {
  const { auth } = options;
  const received: Received[] = [];
  let failure: { code: number; at: "data" | "rcpt" } | null = null;
  const refuse = (code: number) => Object.assign(new Error(`refused with ${code} by the test`), { responseCode: code });
  const serverOptions: SMTPServerOptions = {
    disabledCommands: auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !auth,
    allowInsecureAuth: true,
    onAuth(a, _session, callback) {
      if (auth && a.username === auth.user && a.password === auth.pass) return callback(null, { user: a.username });
      callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (failure?.at === "rcpt") {
        const { code } = failure;
        failure = null;
        return callback(refuse(code));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Uint8Array[] = [];
      stream.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      stream.on("end", () => {
        if (failure?.at === "data") {
          const { code } = failure;
          failure = null;
          return callback(refuse(code));
        }
        const raw = new TextDecoder().decode(concat(chunks));
        const from = session.envelope.mailFrom;
        received.push({
          ...parseMessage(raw),
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          mailFrom: from ? from.address : "",
          raw,
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : "";
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    port,
    received,
    failNext(code, at = "data") {
      failure = { code, at };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const utf8 = new TextDecoder();

function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return headers;
}

function qpBytes(text: string, underscoreIsSpace: boolean): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "=" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === "_" && underscoreIsSpace) bytes.push(0x20);
    else bytes.push(...new TextEncoder().encode(ch));
  }
  return bytes;
}

function base64Bytes(text: string): number[] {
  return Array.from(atob(text.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
}

/** RFC 2047 encoded words (UTF-8, Q or B), adjacent ones joined before decoding (a character may span two). */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?)/g, "$1")
    .replace(/(?:=\?[^?]+\?[QqBb]\?[^?]*\?=)+/g, (run) => {
      const bytes: number[] = [];
      for (const [, , enc, data] of run.matchAll(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g)) {
        bytes.push(...(enc.toUpperCase() === "B" ? base64Bytes(data) : qpBytes(data, true)));
      }
      return utf8.decode(new Uint8Array(bytes));
    });
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? "7bit").toLowerCase()) {
    case "base64":
      return utf8.decode(new Uint8Array(base64Bytes(body)));
    case "quoted-printable":
      return utf8.decode(new Uint8Array(qpBytes(body.replace(/=\r\n/g, ""), false)));
    default:
      return body;
  }
}

function parseMessage(raw: string): Pick<Received, "headers" | "subject" | "text" | "html"> {
  const split = raw.indexOf("\r\n\r\n");
  const headers = parseHeaders(raw.slice(0, split));
  const body = raw.slice(split + 4);
  let text = "";
  let html: string | null = null;
  const type = headers.get("content-type") ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  const parts = boundary
    ? body.split(`--${boundary}`).slice(1, -1).map((part) => {
      const p = part.replace(/^\r\n/, "");
      const at = p.indexOf("\r\n\r\n");
      return { headers: parseHeaders(p.slice(0, at)), body: p.slice(at + 4).replace(/\r\n$/, "") };
    })
    : [{ headers, body: body.replace(/\r\n$/, "") }]; // the line end before DATA's closing dot
  for (const part of parts) {
    const decoded = decodeBody(part.body, part.headers.get("content-transfer-encoding")).replace(/\r\n/g, "\n");
    if ((part.headers.get("content-type") ?? "text/plain").startsWith("text/html")) html = decoded;
    else text = decoded;
  }
  return { headers, subject: decodeWords(headers.get("subject") ?? ""), text, html };
}
