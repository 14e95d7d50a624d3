// Joining records to the members they name, the way every listing shows them.
import type { User } from "./store/model.ts";
import type { MembersPort } from "./store/ports/members.ts";

/** The storage ports this module uses. */
type Store = MembersPort;

/**
 * The members among `ids` by id, each read once. A member being purged is absent, and listings skip what they wrote
 * rather than show it without them.
 */
export async function membersById(store: Store, ids: Iterable<string>): Promise<Map<string, User>> {
  return new Map((await store.getUsers([...new Set(ids)])).map((u) => [u.id, u]));
}
