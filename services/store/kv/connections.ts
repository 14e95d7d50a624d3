// Connections on Deno KV: the record, both members' index and listing keys, the pair claim, the `connected` keys and
// the notifications about it, written together (with the event) by writeConnection; and the reads of one member's
// connections. Reads across the graph (mutual, second degree) are in graph.ts.
import { NotFoundError } from "../../errors.ts";
import { connectionEvents, connectionNotices, pairTaken } from "../../rules/connections.ts";
import { nextUpdatedAt } from "../../rules/time.ts";
import { newEvent } from "../events.ts";
import { enqueueEvent } from "./queue.ts";
import type {
  Connection,
  ConnectionsPage,
  ConnectionsQuery,
  IdempotencyCompletion,
  NetworkListing,
  User,
} from "../model.ts";
export { countMutualConnections } from "./graph.ts";
import { heldClaim, recordAnswer } from "./idempotency.ts";
import { isId, newId } from "./ids.ts";
import * as keys from "./keys.ts";
import { addNotification, notificationsAbout, writeNotification } from "./notifications.ts";
import { checkLimit, commitOrRetry, type Ctx, getEntries, listNewest, lostRaces, MAX_TRIES, values } from "./shared.ts";

/** Pending and accepted connections hold their pair's claim; a rejected one has released it. */
function holdsPair(c: Connection | null): boolean {
  return c !== null && c.status !== "rejected";
}

/** What a connection write does besides its keys. */
export interface ConnectionWriteOptions {
  /** A bulk import: no events, no notifications. */
  bulk?: boolean;
  /** The notifications about the connection (notificationsAbout), which deleting it deletes. */
  notifications?: keys.NotificationRef[];
}

/**
 * The one place a connection is written: adds to `op` the record and both members' index keys (a null `after`
 * deletes them), moves the listing keys with the status, claims the pair under a versionstamp-null check when the
 * connection starts holding it and releases it when it stops (rejected or deleted), sets or deletes the two
 * `connected` keys as it becomes or stops being accepted, and, unless it is a bulk import, writes the notifications
 * and enqueues the events the change commits (rules/connections.ts). A deletion deletes `options.notifications`.
 * The caller checks the record's versionstamp, which also keeps `options.notifications` current: only writes of the
 * record add to them.
 */
export function writeConnection(
  op: Deno.AtomicOperation,
  before: Connection | null,
  after: Connection | null,
  options: ConnectionWriteOptions = {},
): Deno.AtomicOperation {
  const c = after ?? before!;
  const members = [c.senderId, c.receiverId];
  if (after) op.set(keys.connection(c.id), after);
  else op.delete(keys.connection(c.id));
  for (const member of members) {
    if (after) op.set(keys.connectionByMember(member, c.id), true);
    else op.delete(keys.connectionByMember(member, c.id));
  }
  if (before?.status !== after?.status) {
    for (const [key] of before ? keys.connectionListingEntries(before) : []) op.delete(key);
    for (const [key, other] of after ? keys.connectionListingEntries(after) : []) op.set(key, other);
  }
  const pair = keys.connectionPair(c.senderId, c.receiverId);
  if (holdsPair(after) && !holdsPair(before)) op.check({ key: pair, versionstamp: null }).set(pair, c.id);
  if (!holdsPair(after) && holdsPair(before)) op.delete(pair);
  if (!after) {
    for (const ref of options.notifications ?? []) writeNotification(op, ref, null);
  }
  const wasAccepted = before?.status === "accepted";
  const isAccepted = after?.status === "accepted";
  if (wasAccepted !== isAccepted) {
    for (const key of keys.connectedKeys(c)) {
      if (isAccepted) op.set(key, c.id);
      else op.delete(key);
    }
  }
  if (options.bulk) return op;
  for (const notice of connectionNotices(before, after, new Date())) addNotification(op, notice);
  for (const type of connectionEvents(before, after)) {
    const event = newEvent(type, c.id, new Date(), members);
    enqueueEvent(op, event);
  }
  return op;
}

/**
 * Sends an invitation (pending), with the receiver's notification and `connection.invited`. ConflictError when a
 * pending or accepted connection already joins the two members in either direction (of racing invitations, the pair
 * claim lets exactly one in); NotFoundError when either member does not exist.
 */
export async function createConnection(
  ctx: Ctx,
  input: { senderId: string; receiverId: string; message: string },
  done?: IdempotencyCompletion<Connection>,
): Promise<Connection> {
  const { senderId, receiverId } = input;
  if (!isId(senderId) || !isId(receiverId)) throw new NotFoundError("member");
  for (let i = 0; i < MAX_TRIES; i++) {
    const [sender, receiver] = await ctx.kv.getMany<[User, User]>([keys.user(senderId), keys.user(receiverId)]);
    if (!sender.value || !receiver.value) throw new NotFoundError("member");
    const claim = done ? await heldClaim(ctx, done) : null;
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
    if (done && claim) recordAnswer(op, claim, done, connection);
    if ((await commitOrRetry(writeConnection(op, null, connection))).ok) return connection;
    // A held pair is a genuine conflict; otherwise a member changed, or the pair was released meanwhile: try again.
    if ((await ctx.kv.get(keys.connectionPair(senderId, receiverId))).versionstamp !== null) {
      throw pairTaken();
    }
  }
  throw lostRaces("connection");
}

export async function getConnection(ctx: Ctx, id: string): Promise<Connection | null> {
  if (!isId(id)) return null;
  return (await ctx.kv.get<Connection>(keys.connection(id))).value;
}

/**
 * Moves a connection to `status` (a no-op when it is there already); accepting commits `connection.accepted` and
 * the sender's notification, rejecting releases the pair. Null when the connection does not exist; ConflictError
 * when re-opening a rejected one whose pair a newer invitation holds.
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
    if ((await commitOrRetry(writeConnection(ctx.kv.atomic().check(entry), c, next))).ok) return next;
    if (!holdsPair(c)) {
      const pair = await ctx.kv.get<string>(keys.connectionPair(c.senderId, c.receiverId));
      if (pair.value !== null && pair.value !== id) throw pairTaken();
    }
  }
  throw lostRaces("connection");
}

/**
 * Removes it (withdrawn or ended) with the notifications about it, and frees the pair; an accepted one commits
 * `connection.removed`.
 */
export async function deleteConnection(ctx: Ctx, id: string): Promise<boolean> {
  if (!isId(id)) return false;
  for (let i = 0; i < MAX_TRIES; i++) {
    const [entry, notifications] = await Promise.all([
      ctx.kv.get<Connection>(keys.connection(id)),
      notificationsAbout(ctx, id),
    ]);
    if (!entry.value) return false;
    const op = writeConnection(ctx.kv.atomic().check(entry), entry.value, null, { notifications });
    if ((await commitOrRetry(op)).ok) return true;
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

/**
 * A member's connections of one status, newest first (createdAt, then id), keyset-paginated: one range of their
 * listing keys, then the records. A record whose status changed between the two reads is left out.
 */
export async function listConnections(ctx: Ctx, memberId: string, query: ConnectionsQuery): Promise<ConnectionsPage> {
  checkLimit("listConnections", query.limit);
  if (!isId(memberId)) return { items: [], next: null };
  const prefix = keys.memberConnections(memberId, query.status, query.direction ?? "all");
  const { entries, next } = await listNewest<string>(ctx, prefix, query.limit, query.after);
  const records = await getEntries<Connection>(ctx, entries.map(({ key }) => keys.connection(key.at(-1) as string)));
  return { items: values(records).filter((c) => c.status === query.status), next };
}

/** The three listings side by side (the members are left to the caller: KV reads each record by its key anyway). */
export async function listNetwork(ctx: Ctx, memberId: string, limit: number): Promise<NetworkListing> {
  const [received, sent, connections] = await Promise.all([
    listConnections(ctx, memberId, { status: "pending", direction: "incoming", limit }),
    listConnections(ctx, memberId, { status: "pending", direction: "outgoing", limit }),
    listConnections(ctx, memberId, { status: "accepted", limit }),
  ]);
  return { received, sent, connections };
}

/** The pending or accepted connection joining two members, through their pair's claim; null when there is none. */
export async function getConnectionBetween(ctx: Ctx, a: string, b: string): Promise<Connection | null> {
  if (!isId(a) || !isId(b) || a === b) return null;
  const claim = await ctx.kv.get<string>(keys.connectionPair(a, b));
  if (claim.value === null) return null;
  const c = await getConnection(ctx, claim.value);
  return holdsPair(c) ? c : null;
}

/** Which of `others` a pending or accepted connection joins to `memberId`: their pair claims, read in one go. */
export async function findLinked(ctx: Ctx, memberId: string, others: string[]): Promise<Set<string>> {
  if (!isId(memberId)) return new Set();
  const candidates = [...new Set(others)].filter((id) => isId(id) && id !== memberId);
  const claims = await getEntries(ctx, candidates.map((id) => keys.connectionPair(memberId, id)));
  return new Set(candidates.filter((_, i) => claims[i].versionstamp !== null));
}

/**
 * How many invitations `senderId` sent at or after `since` that are still pending: the range of their outgoing
 * pending listing from `since` on, so the cost grows with those invitations only.
 */
export async function countPendingSent(ctx: Ctx, senderId: string, since: Date): Promise<number> {
  if (!isId(senderId)) return 0;
  const prefix = keys.memberConnections(senderId, "pending", "outgoing");
  let count = 0;
  for await (const _ of ctx.kv.list({ prefix, start: [...prefix, since.getTime()] }, { batchSize: 500 })) count++;
  return count;
}
