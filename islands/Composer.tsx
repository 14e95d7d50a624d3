import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { IS_BROWSER } from "$fresh/runtime.ts";
import { type CardPost, PostCard } from "../components/PostCard.tsx";
import { createdPosts } from "../components/feed_state.ts";

export interface ComposerProps {
  /** This visitor's CSRF token: the form's `_csrf` field, and the API's `x-csrf-token` header. */
  csrf: string;
  /** The text to show again after the server refused the form. */
  value?: string;
  /** Why the server refused it, shown next to the field. */
  error?: string;
}

const MAX = 3000;
// Made once: toLocaleString builds a new ICU formatter at every call, and the counter renders with every page.
const NUMBER = new Intl.NumberFormat("en");
const LIMIT = NUMBER.format(MAX);
const AGAIN = "Press Post again: it will not be posted twice.";

// The twind plugin takes an island's classes from its own source only, so the classes of the cards this island
// renders through PostCard (and Avatar) are listed here (tests/pages_feed_test.ts checks the list is complete):
// class="rounded-lg border border-gray-200 bg-white p-4 shadow-sm flex items-start gap-3 min-w-0 flex-1 break-words
// font-semibold text-gray-900 hover:underline rounded focus:outline-none focus:ring-2 focus:ring-brand-600 truncate
// text-sm text-gray-600 sr-only mt-3 whitespace-pre-line mt-1 cursor-pointer text-gray-700 text-brand-700 underline
// hover:text-brand-800 aspect-[3/2] w-full rounded-md bg-gray-100 object-cover break-all w-10 h-10 text-base
// inline-flex shrink-0 select-none items-center justify-center rounded-full bg-brand-700 text-white bg-gray-200
// h-auto grid grid-cols-2 gap-1"

/** An image picked for the post: uploading (progress), uploaded (id), or refused (error). */
interface Picked {
  key: number;
  preview: string;
  progress: number;
  id: string | null;
  alt: string;
  error: string;
}

const MAX_IMAGES = 4;
const ACCEPT = "image/jpeg,image/png,image/webp,image/avif,image/gif";
let nextKey = 0;

/** POST /api/media with the file as the body; XMLHttpRequest because fetch reports no upload progress. */
function uploadImage(file: File, csrf: string, progress: (done: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/media?purpose=post");
    xhr.setRequestHeader("content-type", file.type || "application/octet-stream");
    xhr.setRequestHeader("x-csrf-token", csrf);
    xhr.upload.onprogress = (e) => e.lengthComputable && progress(e.loaded / e.total);
    xhr.onload = () => {
      let body: { id?: string; detail?: string } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch { /* not JSON: the generic message below */ }
      if (xhr.status === 201 && body.id) resolve(body.id);
      else reject(new Error(body.detail ?? "The image was not accepted."));
    };
    xhr.onerror = () => reject(new Error("Prok could not be reached. Check your connection."));
    xhr.send(file);
  });
}

/** What to tell the member when the API refused the post. */
async function refusal(res: Response): Promise<string> {
  const body = await res.json().catch(() => ({}));
  if (res.status === 422) {
    const issue = body.errors?.find((e: { path: string }) => e.path === "content");
    return issue ? `Your post ${issue.message}.` : body.detail ?? "The post is not valid.";
  }
  if (res.status === 401) return "You are signed out. Copy your text, sign in again, and post it.";
  if (res.status === 403) return "This page has expired. Reload it and post again.";
  if (res.status === 409) return `Your post is still being sent. Wait a moment. ${AGAIN}`;
  if (res.status >= 500) return `Something went wrong on our side. Wait a moment. ${AGAIN}`;
  return body.detail ?? "The post was not accepted.";
}

function newKey(): string {
  // getRandomValues, unlike randomUUID, works on plain-http origins too.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Writes a post. A plain form to /feed without JavaScript; with it, a JSON call to the API that shows the new post
 * at once above the feed. Each submission carries an Idempotency-Key, kept while the same text is retried after a
 * failure whose outcome is unknown, so a retry never posts twice.
 */
export default function Composer(props: ComposerProps) {
  const text = useSignal(props.value ?? "");
  const sending = useSignal(false);
  const error = useSignal(props.error ?? "");
  const notice = useSignal("");
  const pending = useRef<{ body: string; key: string } | null>(null);
  const field = useRef<HTMLTextAreaElement>(null);
  const images = useSignal<Picked[]>([]);
  // The image rows of the form without JavaScript until the page is live, then the picker.
  const live = useSignal(false);

  // What was typed before the page came alive counts too.
  useEffect(() => {
    if (field.current) text.value = field.current.value;
    live.value = true;
  }, []);

  const change = (key: number, patch: Partial<Picked>) =>
    images.value = images.value.map((p) => p.key === key ? { ...p, ...patch } : p);

  function pick(e: Event) {
    const input = e.currentTarget as HTMLInputElement;
    const files = [...input.files ?? []].slice(0, MAX_IMAGES - images.value.length);
    input.value = "";
    for (const file of files) {
      const picked: Picked = {
        key: nextKey++,
        preview: URL.createObjectURL(file),
        progress: 0,
        id: null,
        alt: "",
        error: "",
      };
      images.value = [...images.value, picked];
      uploadImage(file, props.csrf, (progress) => change(picked.key, { progress }))
        .then((id) => change(picked.key, { id, progress: 1 }))
        .catch((err: Error) => change(picked.key, { error: err.message }));
    }
  }

  function remove(picked: Picked) {
    images.value = images.value.filter((p) => p.key !== picked.key);
    URL.revokeObjectURL(picked.preview);
    // An upload never attached is swept after a day anyway; deleting it now frees it at once.
    if (picked.id) fetch(`/api/media/${picked.id}`, { method: "DELETE", headers: { "x-csrf-token": props.csrf } });
  }

  async function send(e: Event) {
    e.preventDefault();
    const content = text.value;
    if (sending.value || uploading || !content.trim()) return;
    const attached = images.value.filter((p) => p.id);
    const body = JSON.stringify({ content, mediaIds: attached.map((p) => p.id) });
    if (pending.current?.body !== body) pending.current = { body, key: newKey() };
    sending.value = true;
    error.value = notice.value = "";
    let retryable = false;
    try {
      const headers = { "content-type": "application/json", "x-csrf-token": props.csrf };
      for (const p of attached.filter((p) => p.alt.trim())) {
        await fetch(`/api/media/${p.id}`, { method: "PUT", headers, body: JSON.stringify({ alt: p.alt.trim() }) });
      }
      const res = await fetch("/api/posts", {
        method: "POST",
        headers: { ...headers, "idempotency-key": pending.current.key },
        body,
      });
      if (res.ok) {
        const post = await res.json() as CardPost;
        createdPosts.value = [post, ...createdPosts.value.filter((p) => p.id !== post.id)];
        text.value = "";
        if (field.current) field.current.value = "";
        for (const p of images.value) URL.revokeObjectURL(p.preview);
        images.value = [];
        notice.value = "Your post was shared.";
      } else {
        retryable = res.status === 409 || res.status >= 500;
        error.value = await refusal(res);
      }
    } catch {
      retryable = true;
      error.value = `Prok could not be reached. Check your connection. ${AGAIN}`;
    } finally {
      if (!retryable) pending.current = null;
      sending.value = false;
      field.current?.focus();
    }
  }

  const count = [...text.value].length;
  const uploading = images.value.some((p) => !p.id && !p.error);
  const created = createdPosts.value;
  const now = new Date();
  return (
    <>
      <section aria-labelledby="composer-title" class="mt-4 rounded-lg border border-gray-200 bg-white p-4 shadow-sm">
        <h2 id="composer-title" class="sr-only">Start a post</h2>
        <form method="post" action="/feed" enctype="multipart/form-data" onSubmit={send}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <label for="post-content" class="block font-semibold text-gray-900">
            Share something with your network
          </label>
          <p
            id="post-content-error"
            aria-live="polite"
            class={error.value ? "mt-1 text-sm font-medium text-red-700" : "sr-only"}
          >
            {error.value}
          </p>
          <textarea
            ref={field}
            id="post-content"
            name="content"
            rows={4}
            maxlength={MAX}
            required
            autofocus={!!props.error}
            defaultValue={props.value ?? ""}
            aria-describedby="post-content-error post-content-count"
            aria-invalid={error.value ? "true" : undefined}
            onInput={(e) => {
              text.value = e.currentTarget.value;
            }}
            class={`mt-2 block w-full rounded-md border bg-white px-3 py-2 text-gray-900 focus:outline-none focus:ring-2 focus:ring-brand-600 ${
              error.value ? "border-red-700" : "border-gray-500"
            }`}
          />
          {live.value ? <Picker images={images.value} pick={pick} remove={remove} change={change} /> : (
            // Without JavaScript, photos are picked on a page of their own, where the text typed here goes along.
            <button
              type="submit"
              formaction="/posts/new"
              formnovalidate
              class={`mt-3 ${SMALL_BUTTON} focus:outline-none focus:ring-2 focus:ring-brand-600`}
            >
              Add photos
            </button>
          )}
          <div class="mt-2 flex items-center justify-between gap-4">
            <p id="post-content-count" aria-live="polite" class="text-sm text-gray-600">
              {`${NUMBER.format(count)} / ${LIMIT}`}
            </p>
            <button
              type="submit"
              disabled={IS_BROWSER && (sending.value || uploading || !text.value.trim())}
              class="rounded-full bg-brand-700 px-6 py-2 font-semibold text-white hover:bg-brand-800 focus:outline-none focus:ring-2 focus:ring-offset-2 focus:ring-brand-600 disabled:cursor-not-allowed disabled:bg-gray-500"
            >
              Post
            </button>
          </div>
          <p role="status" class="sr-only">{notice.value}</p>
        </form>
      </section>
      {created.length > 0 && (
        <ol aria-label="Your new posts" class="mt-4 space-y-4">
          {created.map((post) => (
            <li key={post.id}>
              <PostCard post={post} now={now} />
            </li>
          ))}
        </ol>
      )}
    </>
  );
}

const FIELD = "mt-1 block w-full rounded-md border border-gray-500 bg-white px-3 py-2 text-sm text-gray-900 " +
  "focus:outline-none focus:ring-2 focus:ring-brand-600";
const SMALL_BUTTON = "rounded-full border border-brand-700 px-4 py-1.5 text-sm font-semibold text-brand-700 " +
  "hover:bg-brand-50 focus-within:ring-2 focus-within:ring-brand-600";

/** With JavaScript: pictures upload as soon as they are picked, with a preview, progress and a description each. */
function Picker(props: {
  images: Picked[];
  pick: (e: Event) => void;
  remove: (p: Picked) => void;
  change: (key: number, patch: Partial<Picked>) => void;
}) {
  return (
    <div class="mt-3">
      {props.images.length > 0 && (
        <ul aria-label="Photos for this post" class="space-y-3">
          {props.images.map((p, i) => (
            <li key={p.key} class="flex items-start gap-3">
              <img src={p.preview} alt="" width={80} height={80} class="h-20 w-20 shrink-0 rounded-md object-cover" />
              <div class="min-w-0 flex-1">
                {p.error
                  ? <p class="text-sm font-medium text-red-700">{p.error}</p>
                  : !p.id && (
                    <progress value={p.progress} max={1} aria-label={`Uploading photo ${i + 1}`} class="w-full" />
                  )}
                <label class="block text-sm text-gray-900">
                  Describe photo {i + 1}
                  <input
                    value={p.alt}
                    maxlength={1000}
                    onInput={(e) => props.change(p.key, { alt: e.currentTarget.value })}
                    class={FIELD}
                  />
                </label>
              </div>
              <button type="button" onClick={() => props.remove(p)} class={SMALL_BUTTON}>
                Remove<span class="sr-only">photo {i + 1}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {props.images.length < MAX_IMAGES && (
        <label class={`mt-2 inline-block cursor-pointer ${SMALL_BUTTON}`}>
          Add photos
          <input type="file" accept={ACCEPT} multiple onChange={props.pick} class="sr-only" />
        </label>
      )}
    </div>
  );
}
