export interface AvatarProps {
  firstName: string;
  lastName: string;
  pictureUrl: string | null;
  size: "sm" | "lg";
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
  if (props.pictureUrl) {
    return (
      <img
        src={props.pictureUrl}
        width={size.px}
        height={size.px}
        alt={`Photo of ${name}`}
        referrerpolicy="no-referrer"
        decoding="async"
        class={`${size.box} shrink-0 rounded-full bg-gray-200 object-cover`}
      />
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
