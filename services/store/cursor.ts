// Opaque, tamper-checked keyset cursors: base64url(JSON position) + "." + base64url(HMAC). A cursor a client edits,
// truncates or forges fails verification and is a 422, never a 500 or a different page.
import { ValidationError } from "../errors.ts";

const encoder = new TextEncoder();

function b64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - b64.length % 4) % 4)), (c) => c.charCodeAt(0));
}

/** Signs a position; `kind` binds the cursor to one listing so it cannot be replayed on another. */
export async function encodeCursor(key: CryptoKey, kind: string, position: unknown): Promise<string> {
  const body = b64url(encoder.encode(JSON.stringify(position)));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${kind}.${body}`)));
  return `${body}.${b64url(mac.subarray(0, 16))}`;
}

const bad = () =>
  new ValidationError("The cursor is not valid; start again from the first page.", [
    { path: "cursor", message: "is not a cursor this server issued" },
  ]);

/** Verifies and decodes a cursor, checking its shape with `isPosition`. */
export async function decodeCursor<T>(
  key: CryptoKey,
  kind: string,
  cursor: string,
  isPosition: (value: unknown) => value is T,
): Promise<T> {
  const match = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{22})$/.exec(cursor);
  if (!match) throw bad();
  const expected = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${kind}.${match[1]}`)));
  let given: Uint8Array;
  try {
    given = fromB64url(match[2]);
  } catch {
    throw bad();
  }
  // Constant-time comparison of the 16-byte tags.
  let diff = given.length ^ 16;
  for (let i = 0; i < 16; i++) diff |= (given[i] ?? 0) ^ expected[i];
  if (diff !== 0) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(fromB64url(match[1])));
  } catch {
    throw bad();
  }
  if (!isPosition(value)) throw bad();
  return value;
}
