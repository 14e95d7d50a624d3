import { FragmentHtml, type HtmlFragment, renderFragment } from "$fresh/fragment.ts";
import { type CardPost, PostCard } from "./PostCard.tsx";
import { whenText } from "./post_text.ts";

/**
 * Rendered cards by everything they show, newest use last. A post appears in the feeds of all its author's
 * connections and in the same member's feed at every visit, and its card was most of a feed page's render time.
 * There is nothing to invalidate: an edit, an author's new name or a new "2 h ago" makes a new key, and the old entry
 * ages out. Bounded by size, so a busy instance keeps its hot cards and an idle one keeps nothing.
 */
export class CardCache {
  readonly #entries = new Map<string, HtmlFragment>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  get size(): number {
    return this.#entries.size;
  }

  card(post: CardPost, now: Date, eager = false): HtmlFragment {
    const { author } = post;
    const key = [
      post.id,
      post.createdAt,
      whenText(new Date(post.createdAt), now),
      post.mediaUrl ?? "",
      JSON.stringify(post.media),
      eager ? "eager" : "",
      author.id,
      author.firstName,
      author.lastName,
      author.headline,
      author.profilePictureUrl ?? "",
      post.content,
    ].join("\u0000");
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const made = renderFragment(<PostCard post={post} now={now} eager={eager} />);
    this.#entries.set(key, made);
    this.#bytes += cost(key, made);
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= cost(oldest, entry);
    }
    return made;
  }
}

// UTF-16 strings: two bytes a character is the floor of what they hold.
function cost(key: string, entry: HtmlFragment): number {
  return 2 * (key.length + entry.html.length);
}

const cards = new CardCache(4 * 1024 * 1024);

/** A post's card as an `<li>` of a list of posts, from the shared cache. */
export function CachedPostCard(props: { post: CardPost; now: Date; eager?: boolean }) {
  return <FragmentHtml as="li" fragment={cards.card(props.post, props.now, props.eager)} />;
}
