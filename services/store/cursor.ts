// Opaque, tamper-checked keyset cursors: base64url(JSON position) + "." + base64url(HMAC). A cursor a client edits,
// truncates or forges fails verification and is a 422, never a 500 or a different page.
import { createHmac, timingSafeEqual } from "node:crypto";
import { ValidationError } from "../errors.ts";
import type { Position } from "./model.ts";

const encoder = new TextEncoder();

function b64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - b64.length % 4) % 4)), (c) => c.charCodeAt(0));
}

// A synchronous HMAC: every list page signs a cursor, and an async WebCrypto call per page costs more than the rest of
// the cursor work together.
function tag(key: Uint8Array, kind: string, body: string): Uint8Array {
  return new Uint8Array(createHmac("sha256", key).update(`${kind}.${body}`).digest().subarray(0, 16));
}

/** Signs a position; `kind` binds the cursor to one listing so it cannot be replayed on another. */
export function encodeCursor(key: Uint8Array, kind: string, position: unknown): string {
  const body = b64url(encoder.encode(JSON.stringify(position)));
  return `${body}.${b64url(tag(key, kind, body))}`;
}

const bad = () =>
  new ValidationError("The cursor is not valid; start again from the first page.", [
    { path: "cursor", message: "is not a cursor this server issued" },
  ]);

/** Verifies and decodes a cursor, checking its shape with `isPosition`; throws ValidationError for any other text. */
export function decodeCursor<T>(
  key: Uint8Array,
  kind: string,
  cursor: string,
  isPosition: (value: unknown) => value is T,
): T {
  const match = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{22})$/.exec(cursor);
  if (!match) throw bad();
  let given: Uint8Array;
  try {
    given = fromB64url(match[2]);
  } catch {
    throw bad();
  }
  if (given.length !== 16 || !timingSafeEqual(given, tag(key, kind, match[1]))) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(fromB64url(match[1])));
  } catch {
    throw bad();
  }
  if (!isPosition(value)) throw bad();
  return value;
}

/** Whether a decoded cursor has the shape of a {@link Position}. */
export function isPosition(v: unknown): v is Position {
  const p = v as Position;
  return typeof p === "object" && p !== null && Number.isSafeInteger(p.createdAt) && typeof p.id === "string" &&
    p.id.length > 0 && p.id.length <= 64;
}
