import { Head } from "$fresh/runtime.ts";
import { CsrfField, Field, FormCard, ProblemNotice, SubmitButton } from "./forms.tsx";

export interface ComposePageProps {
  csrf: string;
  /** The text typed on the feed before "Add photos". */
  content: string;
  /** Why the form that brought the text was refused. */
  problem?: string;
}

const ACCEPT = "image/jpeg,image/png,image/webp,image/avif,image/gif";
const INPUT = "mt-1 block w-full rounded-md border border-gray-500 bg-white px-3 py-2 text-gray-900 " +
  "focus:outline-none focus:ring-2 focus:ring-brand-600";

/**
 * A post with photos, without JavaScript: the text and four rows of a photo and its description, sent to /feed as
 * one multipart form. With JavaScript the feed's Composer picks photos in place instead.
 */
export function ComposePage(props: ComposePageProps) {
  return (
    <>
      <Head>
        <title>Write a post — Prok</title>
      </Head>
      <FormCard title="Write a post" intro="Up to 4 photos: JPEG, PNG, WebP, AVIF or GIF, 10 MB each.">
        {props.problem && <ProblemNotice tight>{props.problem}</ProblemNotice>}
        <form method="post" action="/feed" enctype="multipart/form-data">
          <CsrfField token={props.csrf} />
          <Field
            id="post-content"
            name="content"
            label="Share something with your network"
            value={props.content}
            maxlength={3000}
            rows={4}
            required
          />
          {[1, 2, 3, 4].map((n) => (
            <fieldset key={n} class="mt-4">
              <legend class="text-sm font-semibold text-gray-900">Photo {n}</legend>
              <label class="mt-1 block text-sm text-gray-700">
                File
                <input type="file" name="images" accept={ACCEPT} class="mt-1 block w-full text-sm" />
              </label>
              <label class="mt-2 block text-sm text-gray-700">
                Describe photo {n}
                <input name="alt" maxlength={1000} class={INPUT} />
              </label>
            </fieldset>
          ))}
          <SubmitButton>Post</SubmitButton>
        </form>
      </FormCard>
    </>
  );
}
