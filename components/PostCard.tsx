import { Avatar } from "./Avatar.tsx";
import { foldText, type Segment, whenText } from "./post_text.ts";
import { type CardMedia, PostMedia } from "./PostMedia.tsx";

/** A post's author as a card shows them (the API's UserSummary). */
export interface CardAuthor {
  id: string;
  firstName: string;
  lastName: string;
  headline: string;
  profilePictureUrl: string | null;
}

/** A post as a card shows it: the API's Post shape, so the Composer can show what `POST /api/posts` answered. */
export interface CardPost {
  id: string;
  author: CardAuthor;
  content: string;
  /** An image this server issued, set directly by a v1 client (`media` is what uploads give). */
  mediaUrl: string | null;
  media: CardMedia[];
  /** ISO 8601. */
  createdAt: string;
}

// The Composer island renders cards too, and the twind plugin reads an island's classes from its own source only:
// a class added here must be added to the list in islands/Composer.tsx (tests/pages_feed_test.ts checks).
const LINK = "text-brand-700 underline hover:text-brand-800 focus:outline-none focus:ring-2 focus:ring-brand-600";
const LINK_FOCUS = "rounded focus:outline-none focus:ring-2 focus:ring-brand-600";
// Built once: a feed renders these on every card.
const NAME_LINK = `text-gray-900 hover:underline ${LINK_FOCUS}`;
const TIME_LINK = `text-sm text-gray-600 hover:underline ${LINK_FOCUS}`;
const SHOW_MORE = `mt-1 cursor-pointer font-semibold text-gray-700 ${LINK_FOCUS}`;

function Text(props: { segments: Segment[] }) {
  return (
    <>
      {props.segments.map((s, i) =>
        s.href ? <a key={i} href={s.href} rel="nofollow noopener ugc" class={LINK}>{s.text}</a> : s.text
      )}
    </>
  );
}

/** An image a v1 client attached by its URL (one this server issued): no sizes or variants to offer. */
function LegacyImage(props: { url: string; name: string }) {
  return (
    <img
      data-fresh-disable-lock
      src={props.url}
      width={600}
      height={400}
      loading="lazy"
      decoding="async"
      alt={`Image shared by ${props.name}`}
      class="mt-3 aspect-[3/2] w-full rounded-md bg-gray-100 object-cover"
    />
  );
}

/** One post: who wrote it and when, its text (links clickable, long posts folded) and its media. */
export function PostCard(props: { post: CardPost; now: Date; level?: 2 | 3; eager?: boolean }) {
  const { post } = props;
  const { author } = post;
  const name = `${author.firstName} ${author.lastName}`;
  const at = new Date(post.createdAt);
  const text = foldText(post.content);
  const Heading = props.level === 2 ? "h2" : "h3";
  return (
    <article class="rounded-lg border border-gray-200 bg-white p-4 shadow-sm">
      <div class="flex items-start gap-3">
        {/* Decorative (the name is next to it) and lazy: a feed of pictures must not hold up the first screen. */}
        <Avatar
          firstName={author.firstName}
          lastName={author.lastName}
          pictureUrl={author.profilePictureUrl}
          size="sm"
          decorative
        />
        <div class="min-w-0 flex-1">
          <Heading class="break-words font-semibold">
            <a href={`/in/${encodeURIComponent(author.id)}`} class={NAME_LINK}>
              {name}
            </a>
          </Heading>
          {author.headline && <p class="truncate text-sm text-gray-600">{author.headline}</p>}
          <a
            href={`/posts/${encodeURIComponent(post.id)}`}
            class={TIME_LINK}
          >
            <span class="sr-only">Posted</span> <time datetime={post.createdAt}>{whenText(at, props.now)}</time>
          </a>
        </div>
      </div>
      <div class="mt-3 whitespace-pre-line break-words text-gray-900">
        <p>
          <Text segments={text.visible} />
        </p>
        {text.more && (
          <details>
            <summary class={SHOW_MORE}>Show more</summary>
            <p>
              <Text segments={text.more} />
            </p>
          </details>
        )}
      </div>
      {post.media.length
        ? <PostMedia media={post.media} name={name} eager={props.eager} />
        : post.mediaUrl && <LegacyImage url={post.mediaUrl} name={name} />}
    </article>
  );
}
