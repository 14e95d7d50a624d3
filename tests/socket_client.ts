// A WebSocket client for tests of /api/ws (API.md): it keeps every frame and waits for the next one of a type.
import { assert } from "../framework/testing/assert.ts";
import type { Json } from "./api_client.ts";

interface Frame {
  type: string;
  data: Json;
}

/** A socket client that keeps every frame and can wait for the next one of a type. */
export class Client {
  frames: Frame[] = [];
  closed: Promise<CloseEvent>;
  #waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      this.frames.push(JSON.parse(e.data));
      for (const w of this.#waiters.splice(0)) w();
    };
    this.closed = new Promise((resolve) => ws.addEventListener("close", (e) => resolve(e)));
  }

  send(type: string, data: Json) {
    this.ws.send(JSON.stringify({ type, data }));
  }

  /** The first frame of `type` (after `from` frames) matching `ok`, waiting up to 5 s. */
  async next(type: string, ok: (d: Json) => boolean = () => true, from = 0, waitMs = 5_000): Promise<Json> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const hit = this.frames.slice(from).find((f) => f.type === type && ok(f.data));
      if (hit) return hit.data;
      const left = deadline - Date.now();
      assert(left > 0, `no ${type} frame; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          r();
        });
      });
    }
  }

  of(type: string): Json[] {
    return this.frames.filter((f) => f.type === type).map((f) => f.data);
  }

  close() {
    this.ws.close();
    return this.closed;
  }
}

export async function open(url: string, headers: Record<string, string>): Promise<Client> {
  // Deno's WebSocket takes headers: how a browser's cookie and Origin are sent here.
  const ws = new WebSocket(
    url.replace("http", "ws") + "/api/ws" + (headers.ticket ? `?ticket=${headers.ticket}` : ""),
    {
      headers: Object.fromEntries(Object.entries(headers).filter(([k]) => k !== "ticket")),
    } as unknown as string[],
  );
  const client = new Client(ws);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error("the socket did not open")));
  });
  return client;
}

/** A member's socket, opened as their browser opens it: with the session cookie and the site's own Origin. */
export const asMember = (url: string, who: { accessToken: string }) =>
  open(url, { cookie: `prok_at=${who.accessToken}`, origin: url });
