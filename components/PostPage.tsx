import { Head } from "$fresh/runtime.ts";
import { CsrfField, FOCUS, LINK } from "./forms.tsx";
import { type CardPost, PostCard } from "./PostCard.tsx";

export interface PostPageProps {
  post: CardPost;
  now: Date;
  /** The CSRF token of the delete form, given only to those who may delete the post. */
  deleteCsrf?: string;
}

/** One post with its author; its author (or an admin) can delete it from here. */
export function PostPage(props: PostPageProps) {
  const { post } = props;
  const name = `${post.author.firstName} ${post.author.lastName}`;
  return (
    <>
      <Head>
        <title>Post by {name} — Prok</title>
      </Head>
      <div class="mx-auto max-w-2xl">
        <p>
          <a href="/feed" class={LINK}>Back to your feed</a>
        </p>
        <h1 class="mt-4 text-2xl font-bold text-gray-900">Post by {name}</h1>
        <div class="mt-4">
          <PostCard post={post} now={props.now} level={2} eager />
        </div>
        {props.deleteCsrf && (
          <form method="post" action={`/posts/${encodeURIComponent(post.id)}/delete`} class="mt-4">
            <CsrfField token={props.deleteCsrf} />
            <button
              type="submit"
              class={`rounded-full border border-red-700 px-4 py-1.5 font-semibold text-red-700 hover:bg-red-50 ${FOCUS}`}
            >
              Delete this post
            </button>
          </form>
        )}
      </div>
    </>
  );
}
