// What a notification about to be written holds; each store gives it its id.
import type { Notification } from "../store/model.ts";

/** A notification to write: the store adds the id. */
export type NewNotification = Omit<Notification, "id">;

/** Whether record id `a` was issued before `b`: KV ids are fixed-length text, SQL ids numbers of growing length. */
export function idBefore(a: string, b: string): boolean {
  return a.length < b.length || (a.length === b.length && a < b);
}
