// The Redis connections of the ports that use Redis (rate limits, pub/sub): made, connected and closed one way.
import { createClient } from "redis";

/**
 * A client that fails fast instead of queueing while Redis is down (no request hangs on it) and reconnects by itself.
 * `name` is sent with CLIENT SETNAME on every connect, so operators see who holds which connection.
 */
export function redisClient(url: string, name?: string) {
  return createClient({
    url,
    ...(name ? { name } : {}),
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(retries * 200, 5000) },
    disableOfflineQueue: true,
  });
}

export type RedisClient = ReturnType<typeof redisClient>;

/**
 * Connects the clients, waiting at most a few seconds: a Redis that is down at start does not stop the app; the calls
 * that need it fail (the ports turn that into UnavailableError) until the clients' own reconnects succeed.
 */
export async function connectSoon(clients: RedisClient[], waitMs = 3000): Promise<void> {
  for (const c of clients) c.on("error", () => {}); // surfaced per call; reconnects by itself
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise((r) => timer = setTimeout(r, waitMs));
  await Promise.race([Promise.all(clients.map((c) => c.connect().catch(() => {}))), waited]);
  clearTimeout(timer);
}

/** Flushes and closes a connected client; one still reconnecting has nothing to flush and is dropped. */
export async function closeClient(client: RedisClient): Promise<void> {
  if (client.isReady) await client.close().catch(() => client.destroy());
  else if (client.isOpen) client.destroy();
}
