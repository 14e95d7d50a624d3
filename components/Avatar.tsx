import { avatarSources } from "./picture.ts";

export interface AvatarProps {
  firstName: string;
  lastName: string;
  /** An issued URL (the API shows no other); null shows the initials. */
  pictureUrl: string | null;
  size: "sm" | "lg";
  /** The name is next to it: no alt text, and lazy (a list of pictures must not hold up the first screen). */
  decorative?: boolean;
}

const SIZES = {
  sm: { px: 40, box: "w-10 h-10", text: "text-base" },
  lg: { px: 96, box: "w-24 h-24", text: "text-3xl" },
};

/** The first character of each name (a whole code point, so an emoji or accent is never cut in half). */
function initials(first: string, last: string): string {
  const letter = (s: string) => [...s.trim()][0] ?? "";
  return (letter(first) + letter(last)).toUpperCase();
}

/** A member's picture, or their initials in a circle when they have none (no image request at all). */
export function Avatar(props: AvatarProps) {
  const size = SIZES[props.size];
  const name = `${props.firstName} ${props.lastName}`;
  // Only an upload's URL is shown: one from before uploads (another site's) would tell it who looks.
  const sources = props.pictureUrl ? avatarSources(props.pictureUrl) : null;
  if (sources) {
    return (
      <picture class="shrink-0">
        <source data-fresh-disable-lock type="image/webp" srcset={sources.webp} sizes={`${size.px}px`} />
        <img
          data-fresh-disable-lock
          src={sources.src}
          srcset={sources.jpeg}
          sizes={`${size.px}px`}
          width={size.px}
          height={size.px}
          alt={props.decorative ? "" : `Photo of ${name}`}
          loading={props.decorative ? "lazy" : undefined}
          decoding="async"
          class={`${size.box} shrink-0 rounded-full bg-gray-200 object-cover`}
        />
      </picture>
    );
  }
  return (
    <span
      aria-hidden="true"
      class={`${size.box} ${size.text} inline-flex shrink-0 select-none items-center justify-center rounded-full bg-brand-700 font-semibold text-white`}
    >
      {initials(props.firstName, props.lastName)}
    </span>
  );
}
