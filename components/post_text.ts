// A post's text as the cards show it: plain text with its http(s) links made clickable, and long posts folded after
// their first part. Pure functions over strings, shared by the server and the Composer island; the markup escapes.

/** A run of text, or a link when `href` is set (always an absolute http: or https: URL). */
export interface Segment {
  text: string;
  href?: string;
}

/** A post's text split where it folds: `more` is null when the whole post is shown at once. */
export interface FoldedText {
  visible: Segment[];
  more: Segment[] | null;
}

/** Posts longer than this many characters, or with more lines, are folded; the first part keeps at most `keep*`. */
export const FOLD = { maxChars: 600, maxLines: 8, keepChars: 400, keepLines: 6 };

// A candidate starts at http:// or https:// and a host (not inside a word, so "xhttp://" is not one) and runs to
// whitespace or to a character that cannot be in a URL written in text.
const CANDIDATE = /(?<![\p{L}\p{N}_])https?:\/\/[^\s<>"`/][^\s<>"`]*/giu;
// Punctuation that ends a sentence rather than the URL ("see https://a.example/x.").
const TRAILING = /[.,:;!?'"*_~…»”’)\]}]$/u;
const PAIRS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

function count(s: string, c: string): number {
  let n = 0;
  for (const x of s) if (x === c) n++;
  return n;
}

/** Drops trailing punctuation, keeping a closing bracket that closes one opened inside the URL (Wikipedia links). */
function trimTrailing(url: string): string {
  while (TRAILING.test(url)) {
    const last = url.slice(-1);
    const open = PAIRS[last];
    if (open && count(url, open) >= count(url, last)) break;
    url = url.slice(0, -1);
  }
  return url;
}

/** The URL to link to, or null when `raw` is not an http(s) URL with a host. */
function linkTarget(raw: string): string | null {
  try {
    const url = new URL(raw);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname ? url.href : null;
  } catch {
    return null;
  }
}

/** Where the links of `text` are: [start, end, href] for each, in order. */
function linkRanges(text: string): [number, number, string][] {
  const out: [number, number, string][] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    const raw = trimTrailing(m[0]);
    const href = linkTarget(raw);
    if (href) out.push([m.index, m.index + raw.length, href]);
  }
  return out;
}

/**
 * Splits text into plain runs and links. Only `http://` and `https://` URLs become links (never `javascript:`,
 * `data:` or anything else); punctuation after a URL stays text; the link text is exactly what was written.
 */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const [start, end, href] of linkRanges(text)) {
    if (start > at) out.push({ text: text.slice(at, start) });
    out.push({ text: text.slice(start, end), href });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

// Characters that continue the one before them: a cut just before one would split what the reader sees as one.
const JOINED = /^[\p{M}\u200d\ufe0f\udc00-\udfff]/u;

/** Where to fold `text`, or -1 when it is short enough to show whole. */
function foldPoint(text: string): number {
  const lines = text.split("\n");
  if (text.length <= FOLD.maxChars && lines.length <= FOLD.maxLines) return -1;
  let cut = text.length;
  if (lines.length > FOLD.keepLines) cut = lines.slice(0, FOLD.keepLines).join("\n").length;
  if (cut > FOLD.keepChars) {
    // The last space before the limit, unless that would leave too little: then a hard cut, outside any link.
    const space = text.slice(0, FOLD.keepChars + 1).search(/\s\S*$/);
    cut = space > FOLD.keepChars / 2 ? space : FOLD.keepChars;
    if (space <= FOLD.keepChars / 2) {
      const inside = linkRanges(text).find(([start, end]) => start < cut && cut < end);
      if (inside) cut = inside[0] > 0 ? inside[0] : inside[1];
      while (cut > 0 && cut < text.length && (JOINED.test(text.slice(cut)) || text[cut - 1] === "\u200d")) cut--;
    }
  }
  return cut > 0 && cut < text.length ? cut : -1;
}

/** A post's text with links, folded after its first part when it is long (over ~600 characters or ~8 lines). */
export function foldText(text: string): FoldedText {
  const cut = foldPoint(text);
  if (cut < 0) return { visible: linkify(text), more: null };
  const more = text.slice(cut).replace(/^\s+/, "");
  return more
    ? { visible: linkify(text.slice(0, cut).trimEnd()), more: linkify(more) }
    : { visible: linkify(text), more: null };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** When a post was written, as a card shows it: "just now", "5 min ago", "3 h ago", "2 d ago", then a date. */
export function whenText(at: Date, now: Date): string {
  const ms = now.getTime() - at.getTime();
  if (ms < MINUTE) return "just now";
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ago`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)} h ago`;
  if (ms < 7 * DAY) return `${Math.floor(ms / DAY)} d ago`;
  return (at.getUTCFullYear() === now.getUTCFullYear() ? THIS_YEAR : OTHER_YEAR).format(at);
}

// Made once: building a formatter costs far more than using one (it was the top cost of rendering a feed).
const THIS_YEAR = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", timeZone: "UTC" });
const OTHER_YEAR = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
