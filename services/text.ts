// What text Prok accepts, whatever the transport: the rules every text field shares.

// A lone surrogate has no UTF-8 form (MySQL stores U+FFFD in its place, Deno KV keeps it: the stores would disagree),
// and non-characters (U+FFFE, U+FFFF, U+FDD0..U+FDEF, the last two of every plane) are never for interchange.
const NONCHARACTER = /\p{Noncharacter_Code_Point}/u;

/** Whether every store keeps `s` exactly as sent: no unpaired surrogates, no non-characters. */
export function isStorableText(s: string): boolean {
  return s.isWellFormed() && !NONCHARACTER.test(s);
}

/** The sentence a refused text field gets ("First name must not contain ..."). */
export const NOT_STORABLE = "must not contain unpaired surrogates or non-characters such as U+FFFE";

// Spaces, controls, format characters (bidi overrides, zero-width joiners) and default-ignorables (Hangul fillers):
// a name made only of these shows as nothing, or as someone else's name.
const INVISIBLE = /^[\p{White_Space}\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]*$/u;

/** Whether `s` shows nothing when rendered. */
export function isInvisible(s: string): boolean {
  return INVISIBLE.test(s);
}
