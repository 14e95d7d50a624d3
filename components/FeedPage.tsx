import { Head } from "$fresh/runtime.ts";
import Composer from "../islands/Composer.tsx";
import { LINK, ProblemNotice } from "./forms.tsx";
import type { CardPost } from "./PostCard.tsx";
import { CachedPostCard } from "./CachedPostCard.tsx";

export interface FeedPageProps {
  composer: { csrf: string; value: string; error?: string };
  posts: CardPost[];
  /** The cursor of the next page, or null on the last one. */
  nextCursor: string | null;
  /** True on a page after the first. */
  paged: boolean;
  /** Why the posts asked for cannot be shown (a cursor that is not ours). */
  problem?: string;
  now: Date;
}

function Empty() {
  return (
    <div class="mt-4 rounded-lg border border-dashed border-gray-400 bg-white p-6 text-gray-700">
      <p class="font-semibold text-gray-900">Your feed is quiet for now.</p>
      <p class="mt-2">
        Posts by you and your connections show up here, newest first.{" "}
        <a href="#post-content" class={LINK}>Write your first post</a> to say what you are working on.
      </p>
    </div>
  );
}

/** The home feed: the Composer, then the newest posts of the member and their connections, 20 at a time. */
export function FeedPage(props: FeedPageProps) {
  const { posts } = props;
  return (
    <>
      <Head>
        <title>Your feed — Prok</title>
      </Head>
      <div class="mx-auto max-w-2xl">
        <h1 class="text-2xl font-bold text-gray-900">Your feed</h1>
        <Composer csrf={props.composer.csrf} value={props.composer.value} error={props.composer.error} />
        <section aria-labelledby="posts-title" class="mt-8">
          <h2 id="posts-title" class="text-lg font-semibold text-gray-900">
            {props.paged ? "Earlier posts" : "Latest posts"}
          </h2>
          {props.problem
            ? (
              <ProblemNotice tight back={{ href: "/feed", label: "Go to the newest posts" }}>
                {props.problem}
              </ProblemNotice>
            )
            : posts.length === 0
            ? (props.paged ? <p class="mt-4 text-gray-700">There are no earlier posts.</p> : <Empty />)
            : (
              <ol class="mt-4 space-y-4">
                {posts.map((post, i) => (
                  // Only the first card's images can be on the first screen: the others load as they come near.
                  <CachedPostCard key={post.id} post={post} now={props.now} eager={i === 0 && !props.paged} />
                ))}
              </ol>
            )}
          {(props.nextCursor || props.paged) && (
            <p class="mt-6 flex flex-wrap gap-6">
              {props.nextCursor && (
                <a href={`/feed?cursor=${encodeURIComponent(props.nextCursor)}`} class={LINK}>Show more posts</a>
              )}
              {props.paged && <a href="/feed" class={LINK}>Back to the newest posts</a>}
            </p>
          )}
        </section>
      </div>
    </>
  );
}
