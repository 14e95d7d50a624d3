import type { Config } from "../services/config.ts";
import { inRanges } from "../services/net.ts";

/**
 * The client's address: the socket's, unless the socket is in a configured trusted proxy range, in which case the nearest
 * X-Forwarded-For entry that is not itself a trusted proxy. A raw X-Forwarded-For from anyone else is ignored.
 */
export function clientIp(req: Request, remote: Deno.NetAddr, config: Config): string {
  if (!inRanges(remote.hostname, config.trustedProxies)) return remote.hostname;
  const chain = (req.headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!inRanges(chain[i], config.trustedProxies)) return chain[i];
  }
  return remote.hostname;
}
