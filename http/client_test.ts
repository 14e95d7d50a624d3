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

Deno.test("[client] a trusted range believes every proxy in it, IPv4-mapped sockets included", () => {
  const cluster = parseConfig({ PROK_TRUSTED_PROXIES: "10.244.0.0/16, fd00::/8" });
  assertEquals(clientIp(req("1.2.3.4"), addr("10.244.7.12"), cluster), "1.2.3.4");
  assertEquals(clientIp(req("1.2.3.4"), addr("::ffff:10.244.7.12"), cluster), "1.2.3.4", "dual-stack socket");
  assertEquals(clientIp(req("1.2.3.4, 10.244.3.3"), addr("fd12::5"), cluster), "1.2.3.4", "a chain of proxies");
  assertEquals(clientIp(req("1.2.3.4"), addr("10.245.0.1"), cluster), "10.245.0.1", "outside the range");
});
