// Connections: invitations, answers, removal, the listings of "My network", and how far away another member is.
// Authorisation: a connection is visible to its two members only (anyone else gets "not found"); only the receiver
// answers an invitation; either member withdraws or removes it.
import type { WriteBudgets } from "./budgets.ts";
import { membersById } from "./members.ts";
import { ConflictError, ForbiddenError, NotFoundError, RateLimitError, ValidationError } from "./errors.ts";
import { type Live, liveNotification } from "./realtime/events.ts";
import { decodeCursor, encodeCursor, isPosition } from "./store/cursor.ts";
import type { Connection, ConnectionsPage, ConnectionsQuery, User } from "./store/model.ts";
import type { MembersPort } from "./store/ports/members.ts";
import type { ConnectionsPort } from "./store/ports/network.ts";
import type { PageReadsPort } from "./store/ports/pages.ts";
import type { Once } from "./idempotency.ts";
import { suggestConnections, type Suggestion } from "./suggestions.ts";

/** The storage ports this module uses. */
type Store = ConnectionsPort & MembersPort & PageReadsPort;

export interface ConnectionsDeps {
  store: Store;
  cursorKey: Uint8Array;
  log: (event: Record<string, unknown>) => void;
  /** Tells the other member's open pages at once (the notification itself is stored with the connection). */
  live: Pick<Live, "notify">;
  budgets: Pick<WriteBudgets, "spend">;
}

/** A connection with its two members, as pages and the API show it. */
export interface ConnectionView {
  connection: Connection;
  sender: User;
  receiver: User;
}

export interface ConnectionPage {
  items: ConnectionView[];
  nextCursor: string | null;
}

/** How another member relates to the caller (API.md: `User.connection` and `degree`). */
export interface Relation {
  connection: Connection | null;
  /** 1st, 2nd or 3rd+ degree; null for the caller themself. */
  degree: 1 | 2 | 3 | null;
  mutualCount: number;
}

/** Invitations a member may have pending from the last seven days (LinkedIn-style weekly cap against spam). */
export const WEEKLY_INVITATIONS = 100;
const WEEK_MS = 7 * 24 * 3600 * 1000;

function viewsOf(connections: Connection[], members: Map<string, User>): ConnectionView[] {
  // A connection whose other member is being purged is skipped rather than shown without them.
  return connections.flatMap((connection) => {
    const sender = members.get(connection.senderId);
    const receiver = members.get(connection.receiverId);
    return sender && receiver ? [{ connection, sender, receiver }] : [];
  });
}

async function withMembers(store: Store, connections: Connection[]): Promise<ConnectionView[]> {
  return viewsOf(connections, await membersById(store, connections.flatMap((c) => [c.senderId, c.receiverId])));
}

type Listing = Pick<ConnectionsQuery, "status" | "direction">;

/** The cursor is bound to the listing it came from, so a page of one list cannot be replayed on another. */
const cursorKind = (listing: Listing) => `connections:${listing.status}:${listing.direction ?? "both"}`;

/** The connection if the caller is one of its members; "not found" otherwise, so its existence is not revealed. */
async function ownConnection(store: Store, caller: User, id: string): Promise<Connection> {
  const connection = await store.getConnection(id);
  if (!connection || (connection.senderId !== caller.id && connection.receiverId !== caller.id)) {
    throw new NotFoundError("connection");
  }
  return connection;
}

export async function invite(
  deps: ConnectionsDeps,
  caller: User,
  input: { receiverId: string; message?: string },
  once?: Once<ConnectionView>,
): Promise<ConnectionView> {
  if (input.receiverId === caller.id) {
    throw new ValidationError("You cannot invite yourself.", [{ path: "receiverId", message: "must not be you" }]);
  }
  await deps.budgets.spend("invitation", caller.id);
  const receiver = await deps.store.getUser(input.receiverId);
  if (!receiver) throw new NotFoundError("member");
  await assertUnderWeeklyCap(deps.store, caller);
  const connection = await deps.store.createConnection({
    senderId: caller.id,
    receiverId: receiver.id,
    message: input.message ?? "",
  }, once?.completing((connection: Connection) => ({ connection, sender: caller, receiver })));
  deps.log({ msg: "invitation sent", connectionId: connection.id, senderId: caller.id, receiverId: receiver.id });
  await deps.live.notify(
    receiver.id,
    liveNotification("invitation:received", caller, connection.id, connection.createdAt),
  );
  return { connection, sender: caller, receiver };
}

/**
 * The cap counts invitations still pending from the last seven days, so withdrawn and answered ones free their
 * place. Two invitations sent in the same instant may both pass at 99: the cap is against bulk spam, not exact.
 */
async function assertUnderWeeklyCap(store: Store, caller: User): Promise<void> {
  const now = Date.now();
  const since = new Date(now - WEEK_MS);
  if (await store.countPendingSent(caller.id, since) < WEEKLY_INVITATIONS) return;
  // The place that frees first is that of the oldest invitation within the cap.
  const { items } = await store.listConnections(caller.id, {
    status: "pending",
    direction: "outgoing",
    limit: WEEKLY_INVITATIONS,
  });
  const oldest = items.filter((c) => c.createdAt >= since).at(-1);
  const seconds = oldest ? Math.ceil((oldest.createdAt.getTime() + WEEK_MS - now) / 1000) : 3600;
  throw new RateLimitError(
    Math.max(1, seconds),
    `You have ${WEEKLY_INVITATIONS} invitations waiting for an answer from this week. ` +
      "Withdraw some, or wait until they are answered, before sending more.",
  );
}

/** The receiver accepts or ignores an invitation; the sender may not answer their own (403). */
export async function respond(
  deps: ConnectionsDeps,
  caller: User,
  id: string,
  status: "accepted" | "rejected",
): Promise<ConnectionView> {
  const updated = await answer(deps, caller, await ownConnection(deps.store, caller, id), status);
  const [view] = await withMembers(deps.store, [updated]);
  if (!view) throw new NotFoundError("connection");
  return view;
}

/** Answers an invitation the caller can see (ownConnection). */
async function answer(
  deps: ConnectionsDeps,
  caller: User,
  connection: Connection,
  status: "accepted" | "rejected",
): Promise<Connection> {
  const id = connection.id;
  if (connection.receiverId !== caller.id) {
    throw new ForbiddenError("Only the member who received an invitation can answer it.");
  }
  if (connection.status === "accepted" && status === "rejected") {
    throw new ConflictError("You are already connected; remove the connection instead.");
  }
  const updated = await deps.store.setConnectionStatus(id, status);
  if (!updated) throw new NotFoundError("connection");
  if (status === "accepted" && connection.status !== "accepted") {
    await deps.live.notify(
      connection.senderId,
      liveNotification("invitation:accepted", caller, id, updated.updatedAt),
    );
  }
  deps.log({ msg: `invitation ${status}`, connectionId: id, userId: caller.id });
  return updated;
}

/** Either member withdraws an invitation or ends a connection. */
export async function removeConnection(deps: ConnectionsDeps, caller: User, id: string): Promise<void> {
  await remove(deps, caller, await ownConnection(deps.store, caller, id));
}

async function remove(deps: ConnectionsDeps, caller: User, connection: Connection): Promise<void> {
  if (!await deps.store.deleteConnection(connection.id)) throw new NotFoundError("connection");
  deps.log({ msg: "connection removed", connectionId: connection.id, userId: caller.id });
}

export async function listConnections(
  deps: ConnectionsDeps,
  caller: User,
  query: { status: "accepted" | "pending"; direction?: "incoming" | "outgoing"; limit: number; cursor?: string },
): Promise<ConnectionPage> {
  const kind = cursorKind(query);
  const after = query.cursor ? decodeCursor(deps.cursorKey, kind, query.cursor, isPosition) : undefined;
  const page = await deps.store.listConnections(caller.id, { ...query, after });
  return {
    items: await withMembers(deps.store, page.items),
    nextCursor: page.next ? encodeCursor(deps.cursorKey, kind, page.next) : null,
  };
}

/** How far `other` is from the caller; the two reads cost the same at 1,000 or 1,000,000 members. */
export async function relationTo(store: ConnectionsPort, caller: User, other: User): Promise<Relation> {
  if (other.id === caller.id) return { connection: null, degree: null, mutualCount: 0 };
  const [connection, mutualCount] = await Promise.all([
    store.getConnectionBetween(caller.id, other.id),
    store.countMutualConnections(caller.id, other.id),
  ]);
  const degree = connection?.status === "accepted" ? 1 : mutualCount > 0 ? 2 : 3;
  return { connection, degree, mutualCount };
}

/** Everything "My network" opens with: invitations both ways, the newest connections, and suggestions. */
export async function networkOverview(
  deps: ConnectionsDeps,
  caller: User,
  sizes: { list: number; suggestions: number },
): Promise<{
  received: ConnectionPage;
  sent: ConnectionPage;
  connections: ConnectionPage;
  suggestions: Suggestion[];
}> {
  const [network, suggestions] = await Promise.all([
    deps.store.listNetwork(caller.id, sizes.list),
    suggestConnections(deps.store, caller, sizes.suggestions),
  ]);
  const listed = [network.received, network.sent, network.connections].flatMap((page) => page.items);
  const members = network.members
    ? new Map([caller, ...network.members].map((user) => [user.id, user]))
    : await membersById(deps.store, listed.flatMap((c) => [c.senderId, c.receiverId]));
  const page = (found: ConnectionsPage, listing: Listing): ConnectionPage => ({
    items: viewsOf(found.items, members),
    nextCursor: found.next ? encodeCursor(deps.cursorKey, cursorKind(listing), found.next) : null,
  });
  return {
    received: page(network.received, { status: "pending", direction: "incoming" }),
    sent: page(network.sent, { status: "pending", direction: "outgoing" }),
    connections: page(network.connections, { status: "accepted" }),
    suggestions,
  };
}

/**
 * What the buttons of "My network" do: accept or ignore (the receiver), withdraw or remove (either member). Answers
 * with the other member, for the confirmation.
 */
export async function answerOrRemove(
  deps: ConnectionsDeps,
  caller: User,
  id: string,
  action: "accept" | "ignore" | "withdraw" | "remove",
): Promise<{ other: User }> {
  const connection = await ownConnection(deps.store, caller, id);
  const otherId = connection.senderId === caller.id ? connection.receiverId : connection.senderId;
  const other = await deps.store.getUser(otherId);
  if (!other) throw new NotFoundError("member");
  if (action === "accept" || action === "ignore") {
    await answer(deps, caller, connection, action === "accept" ? "accepted" : "rejected");
  } else {
    await remove(deps, caller, connection);
  }
  return { other };
}
