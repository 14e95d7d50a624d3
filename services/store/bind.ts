// How an adapter's facade is made: each aggregate file exports its port methods as functions that take the adapter's
// context first, and the facade binds them to its context by name. The port type checks every name and signature.

/** `fn` without its context parameter. */
type Bound<F> = F extends (ctx: never, ...args: infer A) => infer R ? (...args: A) => R : never;

/** The functions `names` of `module`, each with `ctx` bound as its first argument. */
export function bind<C, M extends Record<K, (ctx: C, ...args: never[]) => unknown>, K extends keyof M & string>(
  ctx: C,
  module: M,
  names: readonly K[],
): { [P in K]: Bound<M[P]> } {
  const bound = {} as Record<K, unknown>;
  for (const name of names) {
    const fn = module[name] as unknown as (ctx: C, ...args: unknown[]) => unknown;
    bound[name] = (...args: unknown[]) => fn(ctx, ...args);
  }
  return bound as { [P in K]: Bound<M[P]> };
}

/** The port methods each aggregate file exports, the same on both backends: the adapter trees mirror each other. */
export const PORT_METHODS = {
  connections: [
    "createConnection",
    "getConnection",
    "setConnectionStatus",
    "deleteConnection",
    "listConnectedIds",
    "listConnections",
    "listNetwork",
    "getConnectionBetween",
    "countPendingSent",
    "countMutualConnections",
  ],
  idempotency: ["claimIdempotency", "renewIdempotency", "finishIdempotency", "releaseIdempotency"],
  imports: ["importUsers", "importPosts", "importConnections", "importTimeline"],
  jobs: ["createJob", "getJob", "getJobs", "updateJob", "deleteJob", "listJobs"],
  media: [
    "createMedia",
    "getMedia",
    "getMediaMany",
    "updateMedia",
    "deleteMedia",
    "listMemberMedia",
    "listUnattachedMedia",
  ],
  messages: [
    "createMessage",
    "getMessage",
    "listMessages",
    "listMessagesAfter",
    "listConversations",
    "openConversation",
    "markConversationRead",
  ],
  notifications: ["listNotifications", "countUnreadNotifications", "markNotificationsRead"],
  posts: ["createPost", "getPost", "getPosts", "updatePost", "deletePost", "listPosts"],
  purge: ["purgeMemberContent"],
  reactions: [
    "setPostReaction",
    "removePostReaction",
    "getPostReactions",
    "listPostReactions",
    "purgePostReactions",
  ],
  search: ["indexDocuments", "removeDocuments", "clearIndex", "searchIndex"],
  sessions: [
    "createSession",
    "getSession",
    "getSessionWithUser",
    "findSessionByToken",
    "rotateSession",
    "revokeSession",
    "revokeUserSessions",
  ],
  suggestions: ["listSuggestionCandidates"],
  tickets: ["saveTicket", "takeTicket"],
  timelines: [
    "addToTimelines",
    "removePostFromTimelines",
    "removeAuthorFromTimeline",
    "listTimeline",
    "listTimelinePosts",
    "trimTimeline",
    "getTimelineBuiltAt",
    "setTimelineBuiltAt",
  ],
  users: ["createUser", "getUser", "getUserByEmail", "listUsers", "updateUser", "deleteUser", "getUsers"],
} as const;
