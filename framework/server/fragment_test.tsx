// Reusable fragments (`$fresh/fragment.ts`): rendered once, shown on many pages, their classes still reach the styling
// plugins on every page that shows them.
import { FragmentHtml, type HtmlFragment, renderFragment } from "../fragment.ts";
import { registerIslands } from "./render.tsx";
import { testApp } from "../testing/app.ts";
import { assertEquals, assertStringIncludes, assertThrows } from "../testing/assert.ts";

function Card(props: { text: string }) {
  return <p class="card text-sm">{props.text} &amp; more</p>;
}

Deno.test("[fragment] a fragment keeps its markup and classes, and its page's plugins see them on every use", async () => {
  const fragment = renderFragment(<Card text="<b>hi</b>" />);
  assertEquals(fragment.html, '<p class="card text-sm">&lt;b>hi&lt;/b> &amp; more</p>');
  assertEquals(fragment.classes, ["card text-sm"]);

  const seen: string[][] = [];
  let made = 0;
  let cached: HtmlFragment | undefined;
  const Page = () => {
    cached ??= (made++, renderFragment(<Card text="x" />)); // rendered during the page's own render, once
    return (
      <ul class="list">
        <FragmentHtml as="li" fragment={cached} data-n="1" />
      </ul>
    );
  };
  const app = await testApp({ "./routes/index.tsx": { default: Page } }, {
    config: { plugins: [{ name: "classes", render: (ctx) => (seen.push([...ctx.render().classes!]), {}) }] },
  });
  for (let i = 0; i < 2; i++) {
    const html = await (await app.fetch("/")).text();
    assertStringIncludes(html, '<ul class="list"><li data-n="1"><p class="card text-sm">x &amp; more</p></li></ul>');
  }
  assertEquals(made, 1);
  assertEquals(seen, [["list", "card text-sm"], ["list", "card text-sm"]]);
});

Deno.test("[fragment] an island cannot be frozen into a fragment", () => {
  const Live = () => <button type="button">live</button>;
  registerIslands({ "./islands/Live.tsx": { default: Live } });
  assertThrows(() => renderFragment(<Live />), "cannot hold islands (default)");
});
