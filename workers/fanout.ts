// Keeps home timelines right: a new post reaches its author's and their connections' timelines, a deleted post
// leaves them (and its reactions go), a new connection brings each member the other's recent posts, and an ended one
// takes them away.
// Every worker reloads by id and may run again for the same event without changing the result.
import type { MembersPort } from "../services/store/ports/members.ts";
import type { ConnectionsPort } from "../services/store/ports/network.ts";
import type { PostsPort, TimelinesPort } from "../services/store/ports/posts.ts";
import type { ReactionsPort } from "../services/store/ports/reactions.ts";
import type { Worker } from "./runner.ts";

/** The storage ports this module uses. */
type Store = PostsPort & TimelinesPort & ConnectionsPort & MembersPort & ReactionsPort;

/** How many of the other member's recent posts a new connection brings into a timeline. */
export const BACKFILL_POSTS = 100;

export function fanoutWorkers(store: Store): Worker[] {
  return [
    {
      name: "fanout:post-created",
      handles: ["post.created"],
      async run(event) {
        const post = await store.getPost(event.id);
        if (!post) return; // deleted before it was fanned out: nothing to do
        const connected = await store.listConnectedIds(post.authorId);
        const entry = { postId: post.id, authorId: post.authorId, createdAt: post.createdAt };
        await store.addToTimelines([post.authorId, ...connected], entry);
        // A connection that ended while this ran may have been cleaned before the entry landed: look again, and clean
        // up after it (a connection ending later is cleaned by its own event).
        const still = new Set(await store.listConnectedIds(post.authorId));
        for (const member of connected) {
          if (!still.has(member)) await store.removeAuthorFromTimeline(member, post.authorId);
        }
      },
    },
    {
      name: "fanout:post-deleted",
      handles: ["post.deleted"],
      run: (event) => store.removePostFromTimelines(event.id),
    },
    {
      name: "purge:post-reactions",
      handles: ["post.deleted"],
      async run(event) {
        // Bounded batches, as for a member's content: a post may have thousands of reactions.
        while (!await store.purgePostReactions(event.id)) { /* next batch */ }
      },
    },
    {
      name: "fanout:connection-accepted",
      handles: ["connection.accepted"],
      async run(event) {
        const connection = await store.getConnection(event.id);
        if (!connection || connection.status !== "accepted") return; // ended since: the removal event handles it
        const pairs = [[connection.senderId, connection.receiverId], [connection.receiverId, connection.senderId]];
        for (const [member, other] of pairs) {
          const { items } = await store.listPosts({ authorId: other, limit: BACKFILL_POSTS });
          for (const post of items) {
            await store.addToTimelines([member], { postId: post.id, authorId: other, createdAt: post.createdAt });
          }
        }
      },
    },
    {
      name: "fanout:connection-removed",
      handles: ["connection.removed"],
      async run(event) {
        const [a, b] = event.members ?? [];
        if (!a || !b) return;
        await store.removeAuthorFromTimeline(a, b);
        await store.removeAuthorFromTimeline(b, a);
      },
    },
    {
      name: "purge:member-deleted",
      handles: ["user.deleted"],
      async run(event) {
        // Each call deletes a bounded batch, so memory stays flat however much the member wrote; keep going until
        // nothing is left (a crash part way is picked up by the redelivery, which starts over where this stopped).
        while (!await store.purgeMemberContent(event.id)) { /* next batch */ }
      },
    },
  ];
}
