import { type CardVariant, sourcesOf } from "./picture.ts";

/** An image of a post as a card shows it: the API's Media, with its placeholder drawn as a CSS background. */
export interface CardMedia {
  id: string;
  width: number;
  height: number;
  alt: string;
  variants: CardVariant[];
  /** A blurred preview as a CSS background (made by the server from the placeholder); absent in the Composer. */
  background?: string;
}

// The card's text column is the feed's 42rem less its padding; on a phone the screen less about 4rem.
const ONE = "(min-width: 42rem) 40rem, calc(100vw - 4rem)";
const HALF = "(min-width: 42rem) 20rem, calc(50vw - 2rem)";
/** Taller than 4:5 is cropped to 4:5, as a phone screen shows it. */
const TALLEST = 5 / 4;

function Picture(props: { media: CardMedia; alt: string; sizes: string; eager: boolean; square: boolean }) {
  const { media } = props;
  const sources = sourcesOf(media.variants);
  if (!sources) return null;
  const largest = media.variants.reduce((a, b) => (b.width > a.width ? b : a));
  const tall = largest.height / largest.width > TALLEST;
  const crop = props.square ? "1 / 1" : tall ? "4 / 5" : undefined;
  const style = [crop && `aspect-ratio:${crop}`, media.background && `background:${media.background}`]
    .filter(Boolean).join(";");
  return (
    <picture>
      {sources.webp && <source data-fresh-disable-lock type="image/webp" srcset={sources.webp} sizes={props.sizes} />}
      <img
        data-fresh-disable-lock
        src={sources.src}
        srcset={sources.jpeg}
        sizes={props.sizes}
        width={largest.width}
        height={largest.height}
        alt={props.alt}
        loading={props.eager ? undefined : "lazy"}
        decoding="async"
        style={style || undefined}
        class={`block h-auto w-full rounded-md bg-gray-100${crop ? " object-cover" : ""}`}
      />
    </picture>
  );
}

/** A post's images: one across the card, two to four in a grid of squares. */
export function PostMedia(props: { media: CardMedia[]; name: string; eager?: boolean }) {
  const { media } = props;
  if (!media.length) return null;
  const alt = (m: CardMedia, i: number) =>
    m.alt || `Photo ${media.length > 1 ? `${i + 1} of ${media.length} ` : ""}shared by ${props.name}`;
  if (media.length === 1) {
    return (
      <div class="mt-3">
        <Picture media={media[0]} alt={alt(media[0], 0)} sizes={ONE} eager={!!props.eager} square={false} />
      </div>
    );
  }
  return (
    <ul class="mt-3 grid grid-cols-2 gap-1">
      {media.map((m, i) => (
        <li key={m.id}>
          <Picture media={m} alt={alt(m, i)} sizes={HALF} eager={!!props.eager && i < 2} square />
        </li>
      ))}
    </ul>
  );
}
