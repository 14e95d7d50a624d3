// `$fresh/fragment.ts`: markup rendered once and shown many times, for server components only. Not part of Fresh
// 1.x (FRESH.md): a page that uses it moves to upstream Fresh by rendering the component directly instead.
export { FragmentHtml, type HtmlFragment, renderFragment } from "./server/render.tsx";
