// How a record's updatedAt advances, for every store.

/** Strictly later than `last` even when the clock has not moved (or stepped back), so updatedAt orders writes. */
export function nextUpdatedAt(last: Date, now: number = Date.now()): Date {
  return new Date(Math.max(now, last.getTime() + 1));
}
