// The page a searchIndex call asks for, checked the same way by every adapter (the contract expects a RangeError).

/** `query`'s limit and offset, once both are whole numbers in range. */
export function searchPage(query: { limit: number; offset: number }): { limit: number; offset: number } {
  const { limit, offset } = query;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`searchIndex: limit must be ≥ 1, got ${limit}`);
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`searchIndex: offset must be ≥ 0, got ${offset}`);
  return { limit, offset };
}
