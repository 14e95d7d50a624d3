// The messages port: messages and conversations.
import type {
  Conversation,
  IdempotencyCompletion,
  Message,
  MessagePosition,
  MessagesPage,
  NewMessage,
} from "../model.ts";

/** Messages and conversations. */
export interface MessagesPort {
  /**
   * Stores a message and, in the same commit, updates both members' conversation and the receiver's unread
   * `message:received` notification from this sender (one per sender while unread: its subject and time move to the
   * newest message), and commits `message.created` (members: sender, receiver; the queue delivers it 15 minutes
   * later, see enqueueOptions). With a `clientId` the sender already used, nothing is written (no event either) and
   * the first message is returned with `created: false`, even when the two sends race. NotFoundError when either
   * member does not exist. Whether the two may message each other is the caller's rule, not the store's.
   */
  createMessage(
    input: NewMessage,
    done?: IdempotencyCompletion<{ message: Message; created: boolean }>,
  ): Promise<{ message: Message; created: boolean }>;
  getMessage(id: string): Promise<Message | null>;
  /** The messages between two members, either way, newest first (createdAt, then id), keyset-paginated. */
  listMessages(a: string, b: string, query: { limit: number; after?: MessagePosition }): Promise<MessagesPage>;
  /**
   * Every message a member sent or received after `after` (null: from the first), oldest first (createdAt, then id),
   * at most `limit`: what a reconnecting client missed. `after.id` is an id of this store.
   */
  listMessagesAfter(memberId: string, after: MessagePosition | null, limit: number): Promise<Message[]>;
  /** A member's conversations, the one with the newest message first, at most `limit`. */
  listConversations(memberId: string, limit: number): Promise<Conversation[]>;
  /**
   * Marks the messages `otherId` sent to `memberId` read, with the member's `message:received` notification from
   * them; answers whether any message was unread.
   */
  markConversationRead(memberId: string, otherId: string): Promise<boolean>;
}
