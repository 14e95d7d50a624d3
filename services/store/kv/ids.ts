// Ids that sort in creation order: 10 Crockford base32 characters of milliseconds, then 16 of randomness (ULID).
// Within one process they strictly increase even in the same millisecond or when the clock steps back, because the
// random part is incremented instead of redrawn; across processes they interleave by time.

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

let lastMs = -1;
const lastRandom = new Uint8Array(16);

/** A new id and the millisecond it encodes (never earlier than the previous id's, so createdAt order matches). */
export function newId(now = Date.now()): { id: string; ms: number } {
  if (now > lastMs) {
    lastMs = now;
    crypto.getRandomValues(lastRandom);
    for (let i = 0; i < 16; i++) lastRandom[i] &= 31;
  } else if (!increment(lastRandom)) {
    // 2^80 ids in one millisecond cannot happen, but if it did, borrowing the next millisecond keeps the order.
    lastMs += 1;
  }
  let id = "";
  let ms = lastMs;
  for (let i = 9; i >= 0; i--) {
    id = ALPHABET[ms % 32] + id;
    ms = Math.floor(ms / 32);
  }
  for (const digit of lastRandom) id += ALPHABET[digit];
  return { id, ms: lastMs };
}

/** Whether `value` has the shape of an id this module makes (anything else cannot name a record). */
export function isId(value: string): boolean {
  return ID.test(value);
}

function increment(digits: Uint8Array): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] < 31) {
      digits[i]++;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}
