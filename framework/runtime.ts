// What islands and components may import: safe in the browser and on the server.
import { type ComponentChildren, createContext } from "preact";
import { useContext } from "preact/hooks";

export const IS_BROWSER = typeof document !== "undefined";

// The server provides a collector for <Head> children; in the browser (inside islands) there is none.
export const HEAD_CONTEXT = createContext<ComponentChildren[] | undefined>(undefined);

/** Renders its children into the document's <head> (server only; a no-op inside a hydrated island). */
export function Head(props: { children?: ComponentChildren }): null {
  const collector = useContext(HEAD_CONTEXT);
  collector?.push(props.children);
  return null;
}

let buildId = "";

/** Set by the server at start and by the boot script in the browser. */
export function setBuildId(id: string): void {
  buildId = id;
}

export function getBuildId(): string {
  return buildId;
}

/** Stamps a root-relative URL with the build id so it can be cached forever; other URLs are returned unchanged. */
export function asset(path: string): string {
  if (!path.startsWith("/") || path.startsWith("//") || !buildId) return path;
  try {
    const url = new URL(path, "http://localhost");
    if (url.searchParams.has("__frsh_c")) return path;
    url.searchParams.set("__frsh_c", buildId);
    return url.pathname + url.search + url.hash;
  } catch {
    return path;
  }
}

/** Stamps every URL of a `srcset` attribute. */
export function assetSrcSet(srcset: string): string {
  return srcset.split(",").map((part) => {
    const [url, ...descriptor] = part.trim().split(/\s+/);
    return [asset(url), ...descriptor].join(" ");
  }).join(", ");
}

// An island's JSX children travel as server-rendered HTML inside this element; `display: contents` keeps it out of
// layout. Shared by the server renderer and the boot script so both build the same element.
export const SLOT_TAG = "frsh-slot";

export function slotAttrs(index: number): Record<string, string> {
  return { "data-frsh-slot": String(index), style: "display:contents" };
}
