import type { Config } from "../services/config.ts";

/**
 * The client's address: the socket's, unless the socket is a configured trusted proxy, in which case the nearest
 * X-Forwarded-For entry that is not itself a trusted proxy. A raw X-Forwarded-For from anyone else is ignored.
 */
export function clientIp(req: Request, remote: Deno.NetAddr, config: Config): string {
  if (!config.trustedProxies.includes(remote.hostname)) return remote.hostname;
  const chain = (req.headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!config.trustedProxies.includes(chain[i])) return chain[i];
  }
  return remote.hostname;
}
