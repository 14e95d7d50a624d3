// The read side: page-shaped reads, each what one page (or every page) needs in one read where the backend can (one
// SQL statement on MySQL; tests/sql_budget_test.ts counts them). They read across aggregates, so they are kept apart
// from the aggregates' ports, which write and read one aggregate each.
import type {
  ConversationOpening,
  MessagePosition,
  NetworkListing,
  PostPosition,
  PostsPage,
  Session,
  SuggestionCandidates,
  SuggestionQuery,
  User,
} from "../model.ts";

export interface PageReadsPort {
  /**
   * A session with its member, in one read where the backend can (every authenticated request asks this), and,
   * when `unreadCap` is above 0, the member's unread notifications counted up to it in the same read (every page
   * view shows that count in its header).
   */
  getSessionWithUser(
    id: string,
    unreadCap?: number,
  ): Promise<{ session: Session; user: User; unreadNotifications: number } | null>;
  /**
   * The posts of a member's timeline page, in one read where the backend can (the home feed). Entries whose post is
   * gone are skipped; `next` follows the timeline, so a page may hold fewer than `limit` posts.
   */
  listTimelinePosts(memberId: string, query: { limit: number; after?: PostPosition }): Promise<PostsPage>;
  /** The first `limit` of each of a member's three listings at once: what listConnections gives for each. */
  listNetwork(memberId: string, limit: number): Promise<NetworkListing>;
  /**
   * Where "People you may know" looks, all at once: members two steps away, members in the same place and members
   * with headline words in common. Never the member, nor anyone a pending or accepted connection joins them to: those
   * are left out of the first `nearby` and `similar` found, not replaced, so a list may be shorter than asked. The
   * cost grows with the connections of the member's connections and with the matches of the place and words, never
   * with the number of members.
   */
  listSuggestionCandidates(memberId: string, query: SuggestionQuery): Promise<SuggestionCandidates>;
  /**
   * A thread as its page opens it: the other member, the connection between the two, what the member has unread
   * from them, and a page of their messages (as listMessages), in one read where the backend can. Null when `otherId`
   * is no member, or is the member.
   */
  openConversation(
    memberId: string,
    otherId: string,
    query: { limit: number; after?: MessagePosition },
  ): Promise<ConversationOpening | null>;
}
