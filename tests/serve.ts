// Serving the app on a real loopback port, for what needs a real connection: browsers, and WebSocket upgrades.

/** What {@link serveHandler} serves: anything `Deno.serve` on a TCP port accepts, e.g. `createHandler(...)`'s result. */
export type ServeHandler = (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Response | Promise<Response>;

/** A handler served on an ephemeral loopback port. */
export interface Served {
  /** Origin without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1 with a port picked by the OS. Call `close()` when done. */
export function serveHandler(handler: ServeHandler): Promise<Served> {
  const controller = new AbortController();
  const { promise, resolve } = Promise.withResolvers<Served>();
  const server = Deno.serve(
    {
      port: 0,
      hostname: "127.0.0.1",
      signal: controller.signal,
      onListen({ port }) {
        let closed: Promise<void> | null = null;
        resolve({
          url: `http://127.0.0.1:${port}`,
          port,
          close() {
            if (!closed) {
              controller.abort();
              closed = server.finished;
            }
            return closed;
          },
        });
      },
    },
    handler,
  );
  return promise;
}
