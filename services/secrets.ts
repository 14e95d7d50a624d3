// One secret (PROK_SECRET) yields every key the app needs, each derived for one purpose with HKDF, so a key that
// leaks from one use (say a cursor) says nothing about another (the password pepper).
import type { Config } from "./config.ts";

export interface Keys {
  /** HS256 key for access tokens, imported once (jose would import raw bytes again on every verify). */
  jwt: CryptoKey;
  /** HMAC-SHA384 key: the password pepper. */
  pepper: CryptoKey;
  /** HMAC-SHA256 key for tamper-checked cursors (raw: signed on every list page with node:crypto, synchronously). */
  cursor: Uint8Array;
  /** HMAC-SHA256 key for CSRF tokens (raw, as above). */
  csrf: Uint8Array;
  /** HMAC-SHA256 key that derives a refresh token's successor from it (the short reuse grace re-issues it). */
  refresh: CryptoKey;
  /** HMAC-SHA256 key that turns an email into a rate-limit key: Redis never holds an address. */
  limits: CryptoKey;
}

async function derive(master: CryptoKey, purpose: string, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode(`prok ${purpose}`) },
    master,
    bytes * 8,
  );
  return new Uint8Array(bits);
}

const hmac = (raw: Uint8Array<ArrayBuffer>, hash: string) =>
  crypto.subtle.importKey("raw", raw, { name: "HMAC", hash }, false, ["sign", "verify"]);

export async function deriveKeys(secret: string): Promise<Keys> {
  const master = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveBits"]);
  return {
    jwt: await hmac(await derive(master, "access tokens", 32), "SHA-256"),
    pepper: await hmac(await derive(master, "password pepper", 48), "SHA-384"),
    cursor: await derive(master, "cursors", 32),
    csrf: await derive(master, "csrf", 32),
    refresh: await hmac(await derive(master, "refresh tokens", 32), "SHA-256"),
    limits: await hmac(await derive(master, "rate-limit keys", 32), "SHA-256"),
  };
}

function randomSecret(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(48))));
}

/**
 * The configured secret; outside production one is generated and kept in the data folder (so sessions survive a
 * restart), and tests get a fresh one per process.
 */
export async function resolveSecret(config: Config, persist: boolean): Promise<string> {
  if (config.secret) return config.secret;
  if (config.env === "production") throw new Error("PROK_SECRET is required in production");
  if (!persist) return randomSecret();
  const path = `${config.dataDir}/.secret`;
  try {
    return (await Deno.readTextFile(path)).trim();
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const secret = randomSecret();
  await Deno.mkdir(config.dataDir, { recursive: true });
  await Deno.writeTextFile(path, secret + "\n", { mode: 0o600, createNew: true }).catch((err) => {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
  });
  return (await Deno.readTextFile(path)).trim(); // another process may have won the race to create it
}
