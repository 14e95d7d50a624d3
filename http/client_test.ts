import { assertEquals } from "../framework/testing/assert.ts";
import { parseConfig } from "../services/config.ts";
import { clientIp } from "./client.ts";

const addr = (hostname: string): Deno.NetAddr => ({ transport: "tcp", hostname, port: 4000 });
const req = (xff?: string) => new Request("http://x/", { headers: xff ? { "x-forwarded-for": xff } : {} });

Deno.test("[client] the socket address is the client unless the socket is a trusted proxy", () => {
  const open = parseConfig({});
  assertEquals(clientIp(req("1.2.3.4"), addr("10.0.0.9"), open), "10.0.0.9", "a raw X-Forwarded-For is ignored");
  const proxied = parseConfig({ PROK_TRUSTED_PROXIES: "10.0.0.9, 10.0.0.8" });
  assertEquals(clientIp(req("1.2.3.4"), addr("10.0.0.9"), proxied), "1.2.3.4");
  assertEquals(
    clientIp(req("6.6.6.6, 1.2.3.4, 10.0.0.8"), addr("10.0.0.9"), proxied),
    "1.2.3.4",
    "spoofed head ignored",
  );
  assertEquals(clientIp(req(), addr("10.0.0.9"), proxied), "10.0.0.9");
  assertEquals(clientIp(req("1.2.3.4"), addr("203.0.113.7"), proxied), "203.0.113.7", "only proxies are believed");
});
