// Connections on Deno KV: the record, both members' index keys, the pair claim and the `connected` keys, written
// together (with the event) by writeConnection.
import { ConflictError, NotFoundError } from "../../errors.ts";
import { enqueueOptions, newEvent } from "../events.ts";
import type { Connection, User } from "../types.ts";
import { isId, newId } from "./ids.ts";
import * as keys from "./keys.ts";
import { type Ctx, lostRaces, MAX_TRIES, nextUpdatedAt } from "./shared.ts";

/** Pending and accepted connections hold their pair's claim; a rejected one has released it. */
function holdsPair(c: Connection | null): boolean {
  return c !== null && c.status !== "rejected";
}

function conflictingConnection(): ConflictError {
  return new ConflictError("These members are already connected, or one has invited the other.");
}

/**
 * The one place a connection is written: adds to `op` the record and both members' index keys (a null `after`
 * deletes them), claims the pair under a versionstamp-null check when the connection starts holding it and
 * releases it when it stops (rejected or deleted), sets or deletes the two `connected` keys as it becomes or stops
 * being accepted, and enqueues `connection.accepted` or `connection.removed` with the two members (unless
 * `events` is false: a bulk import). The caller checks the record's versionstamp.
 */
export function writeConnection(
  op: Deno.AtomicOperation,
  before: Connection | null,
  after: Connection | null,
  events = true,
): Deno.AtomicOperation {
  const c = after ?? before!;
  const members = [c.senderId, c.receiverId];
  if (after) op.set(keys.connection(c.id), after);
  else op.delete(keys.connection(c.id));
  for (const member of members) {
    if (after) op.set(keys.connectionByMember(member, c.id), true);
    else op.delete(keys.connectionByMember(member, c.id));
  }
  const pair = keys.connectionPair(c.senderId, c.receiverId);
  if (holdsPair(after) && !holdsPair(before)) op.check({ key: pair, versionstamp: null }).set(pair, c.id);
  if (!holdsPair(after) && holdsPair(before)) op.delete(pair);
  const wasAccepted = before?.status === "accepted";
  const isAccepted = after?.status === "accepted";
  if (wasAccepted === isAccepted) return op;
  for (const key of keys.connectedKeys(c)) {
    if (isAccepted) op.set(key, c.id);
    else op.delete(key);
  }
  if (!events) return op;
  const event = newEvent(isAccepted ? "connection.accepted" : "connection.removed", c.id, new Date(), members);
  return op.enqueue(event, enqueueOptions(event));
}

/**
 * Sends an invitation (pending). ConflictError when a pending or accepted connection already joins the two members
 * in either direction (of racing invitations, the pair claim lets exactly one in); NotFoundError when either
 * member does not exist.
 */
export async function createConnection(
  ctx: Ctx,
  input: { senderId: string; receiverId: string; message: string },
): Promise<Connection> {
  const { senderId, receiverId } = input;
  if (!isId(senderId) || !isId(receiverId)) throw new NotFoundError("member");
  for (let i = 0; i < MAX_TRIES; i++) {
    const [sender, receiver] = await ctx.kv.getMany<[User, User]>([keys.user(senderId), keys.user(receiverId)]);
    if (!sender.value || !receiver.value) throw new NotFoundError("member");
    const { id, ms } = newId();
    const connection: Connection = {
      id,
      senderId,
      receiverId,
      status: "pending",
      message: input.message,
      createdAt: new Date(ms),
      updatedAt: new Date(ms),
    };
    // The members' versionstamps: no connection is added after deleteUser's commit, so the purge finds them all.
    const op = ctx.kv.atomic().check(sender, receiver, { key: keys.connection(id), versionstamp: null });
    if ((await writeConnection(op, null, connection).commit()).ok) return connection;
    // A held pair is a genuine conflict; otherwise a member changed, or the pair was released meanwhile: try again.
    if ((await ctx.kv.get(keys.connectionPair(senderId, receiverId))).versionstamp !== null) {
      throw conflictingConnection();
    }
  }
  throw lostRaces("connection");
}

export async function getConnection(ctx: Ctx, id: string): Promise<Connection | null> {
  if (!isId(id)) return null;
  return (await ctx.kv.get<Connection>(keys.connection(id))).value;
}

/**
 * Moves a connection to `status` (a no-op when it is there already); accepting commits `connection.accepted`,
 * rejecting releases the pair. Null when the connection does not exist; ConflictError when re-opening a rejected
 * one whose pair a newer invitation holds.
 */
export async function setConnectionStatus(
  ctx: Ctx,
  id: string,
  status: "accepted" | "rejected",
): Promise<Connection | null> {
  if (!isId(id)) return null;
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<Connection>(keys.connection(id));
    const c = entry.value;
    if (!c) return null;
    if (c.status === status) return c;
    const next: Connection = { ...c, status, updatedAt: nextUpdatedAt(c.updatedAt) };
    if ((await writeConnection(ctx.kv.atomic().check(entry), c, next).commit()).ok) return next;
    if (!holdsPair(c)) {
      const pair = await ctx.kv.get<string>(keys.connectionPair(c.senderId, c.receiverId));
      if (pair.value !== null && pair.value !== id) throw conflictingConnection();
    }
  }
  throw lostRaces("connection");
}

/** Removes it (withdrawn or ended) and frees the pair; an accepted one commits `connection.removed`. */
export async function deleteConnection(ctx: Ctx, id: string): Promise<boolean> {
  if (!isId(id)) return false;
  for (let i = 0; i < MAX_TRIES; i++) {
    const entry = await ctx.kv.get<Connection>(keys.connection(id));
    if (!entry.value) return false;
    if ((await writeConnection(ctx.kv.atomic().check(entry), entry.value, null).commit()).ok) return true;
  }
  throw lostRaces("connection");
}

/** The members a member is connected to (accepted only). */
export async function listConnectedIds(ctx: Ctx, memberId: string): Promise<string[]> {
  if (!isId(memberId)) return [];
  const ids: string[] = [];
  for await (const { key } of ctx.kv.list({ prefix: keys.connectedTo(memberId) })) ids.push(key[2] as string);
  return ids;
}
