import { useSignal } from "@preact/signals";

export interface PicturePickerProps {
  csrf: string;
  hasPicture: boolean;
  /** Why the server refused the last upload. */
  error?: string;
}

const ACCEPT = "image/jpeg,image/png,image/webp,image/avif,image/gif";
const BUTTON = "mt-4 rounded-full px-6 py-2.5 font-semibold focus:outline-none focus:ring-2 focus:ring-offset-2 " +
  "focus:ring-brand-600";

/**
 * The profile picture form: a plain multipart form to /settings/picture without JavaScript; with it, a preview of
 * the chosen file and the upload's progress (the same form, sent by XMLHttpRequest, whose answer is then shown).
 */
export default function PicturePicker(props: PicturePickerProps) {
  const preview = useSignal("");
  const progress = useSignal<number | null>(null);

  function choose(e: Event) {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (preview.value) URL.revokeObjectURL(preview.value);
    preview.value = file ? URL.createObjectURL(file) : "";
  }

  function send(e: SubmitEvent) {
    const form = e.currentTarget as HTMLFormElement;
    // Removing needs no progress: the plain form does it.
    if ((e.submitter as HTMLButtonElement | null)?.name === "remove") return;
    e.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = (p) => progress.value = p.lengthComputable ? p.loaded / p.total : null;
    xhr.onload = () => {
      if (xhr.status < 400) return location.assign(xhr.responseURL);
      // The page the server answered, with its message by the field, as without JavaScript.
      document.open();
      document.write(xhr.responseText);
      document.close();
    };
    xhr.onerror = () => {
      progress.value = null;
      form.submit();
    };
    progress.value = 0;
    xhr.send(new FormData(form));
  }

  return (
    <form method="post" action="/settings/picture" enctype="multipart/form-data" class="max-w-xl" onSubmit={send}>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <label for="picture" class="mt-4 block text-sm font-semibold text-gray-900">New picture</label>
      <p id="picture-hint" class="mt-1 text-sm text-gray-600">
        A JPEG, PNG, WebP, AVIF or GIF of up to 10 MB. It is cropped to a square from its centre.
      </p>
      {props.error && <p id="picture-error" class="mt-1 text-sm font-medium text-red-700">{props.error}</p>}
      <input
        id="picture"
        name="picture"
        type="file"
        accept={ACCEPT}
        aria-describedby={props.error ? "picture-hint picture-error" : "picture-hint"}
        onChange={choose}
        class="mt-2 block w-full text-sm text-gray-900"
      />
      {preview.value && (
        <img
          src={preview.value}
          alt="Preview of your new picture"
          width={96}
          height={96}
          class="mt-3 h-24 w-24 rounded-full object-cover"
        />
      )}
      <label for="picture-alt" class="mt-4 block text-sm font-semibold text-gray-900">
        Describe it<span class="ml-1 font-normal text-gray-600">(optional)</span>
      </label>
      <input
        id="picture-alt"
        name="alt"
        maxlength={1000}
        class="mt-1 block w-full rounded-md border border-gray-500 bg-white px-3 py-2 text-gray-900 focus:outline-none focus:ring-2 focus:ring-brand-600"
      />
      {progress.value !== null && (
        <progress value={progress.value} max={1} aria-label="Uploading your picture" class="mt-3 block w-full" />
      )}
      <div class="flex flex-wrap gap-3">
        <button type="submit" class={`${BUTTON} bg-brand-700 text-white hover:bg-brand-800`}>Upload picture</button>
        {props.hasPicture && (
          <button
            type="submit"
            name="remove"
            value="1"
            class={`${BUTTON} border border-gray-500 text-gray-900 hover:bg-gray-100`}
          >
            Remove picture
          </button>
        )}
      </div>
    </form>
  );
}
