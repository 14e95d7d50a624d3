// The feed and post pages as a browser without JavaScript uses them: plain form posts with the CSRF token scraped
// from the page and cookies sent back, through the real app. The fan-out worker is not listening here: tests hand
// it each new post themselves (fanOut), as the queue would.
import { MagickFormat } from "@imagemagick/magick-wasm";
import { picture } from "../services/media/test_images.ts";
import { renderToString } from "preact-render-to-string";
import { h } from "preact";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotIncludes,
  assertStringIncludes,
} from "../framework/testing/assert.ts";
import { classesInHtml, classesInSource } from "../framework/plugins/twind.ts";
import { type CardPost, PostCard } from "../components/PostCard.tsx";
import { newEvent } from "../services/store/events.ts";
import { fanoutWorkers } from "../workers/fanout.ts";
import { type TestApp, withTestApp } from "./testing.ts";
import { csrfOf, forgeries, joinAs } from "./visitor.ts";

/** Delivers `post.created` for every post to the fan-out worker, as the queue does in production. */
async function fanOut(t: TestApp): Promise<void> {
  const worker = fanoutWorkers(t.app.store).find((w) => w.name === "fanout:post-created")!;
  for (const post of (await t.app.store.listPosts({ limit: 100 })).items) {
    await worker.run(newEvent("post.created", post.id));
  }
}

const articles = (html: string) => html.match(/<article/g)?.length ?? 0;

Deno.test("[feed] the feed is for members: visitors are sent to sign in and come back", async () => {
  await withTestApp(async (t) => {
    for (const method of ["GET", "POST"]) {
      const res = await t.fetch("/feed", { method, redirect: "manual" });
      assertEquals(res.status, 303, method);
      assertEquals(res.headers.get("location"), `/login?next=${encodeURIComponent("/feed")}`, method);
      await res.body?.cancel();
    }
  });
});

Deno.test("[feed] a new member gets the Composer, a labelled field with a live counter, and a helpful empty state", async () => {
  await withTestApp(async (t) => {
    const { v } = await joinAs(t, "Ada");
    const { status, html, res } = await v.page("/feed");
    assertEquals(status, 200);
    assertEquals(res.headers.get("cache-control"), "no-store");
    assertMatch(html, /<h1[^>]*>Your feed<\/h1>/);
    assertMatch(html, /<form method="post" action="\/feed"/);
    assertMatch(html, /<label for="post-content"[^>]*>Share something with your network<\/label>/);
    const field = html.match(/<textarea[^>]*>/)![0];
    for (const attr of ['name="content"', 'maxlength="3000"', 'id="post-content"', "required"]) {
      assertStringIncludes(field, attr);
    }
    assertMatch(html, /<p id="post-content-count" aria-live="polite"[^>]*>0 \/ 3,000<\/p>/);
    assertMatch(
      html,
      /<button type="submit"(?![^>]*\sdisabled[\s=>])[^>]*>Post<\/button>/,
      "usable without JavaScript",
    );
    assertStringIncludes(html, "Your feed is quiet for now.");
    assertStringIncludes(html, 'href="#post-content"');
    assertEquals(articles(html), 0);
    assertMatch(html, /<link rel="modulepreload" href="\/_frsh\/js\/\w+\/islands\/Composer\.js"/);
    assertNotIncludes(html, "Show more posts");
  });
});

Deno.test("[feed] posting by form is a 303 back to the feed, where the post shows with its author", async () => {
  await withTestApp(async (t) => {
    const { v, id, name } = await joinAs(t, "Ada");
    await v.page("/feed"); // the timeline is built now: later posts reach it through the fan-out
    const res = await v.submit("/feed", "/feed", { content: "First line\r\nSecond line with <b>tags</b>" });
    assertEquals(res.status, 303, res.html);
    assertEquals(res.res.headers.get("location"), "/feed");
    const [post] = (await t.app.store.listPosts({ authorId: id, limit: 5 })).items;
    assertEquals(post.content, "First line\nSecond line with <b>tags</b>", "CRLF is one line break");

    await fanOut(t);
    const { html } = await v.page("/feed");
    assertEquals(articles(html), 1);
    assertStringIncludes(html, "First line\nSecond line with &lt;b>tags&lt;/b>");
    assertStringIncludes(html, "whitespace-pre-line");
    assertMatch(html, new RegExp(`<a href="/in/${id}"[^>]*>${name}</a>`));
    assertMatch(
      html,
      new RegExp(
        `<a href="/posts/${post.id}"[^>]*><span class="sr-only">Posted</span> <time datetime="${post.createdAt.toISOString()}">just now</time>`,
      ),
    );
    assertNotIncludes(html, "<img", "initials, no image request");
    assertNotIncludes(html, "Your feed is quiet");
  });
});

Deno.test("[feed] an empty or too long post is a 422 with the text kept and the message by the field", async () => {
  await withTestApp(async (t) => {
    const { v, id } = await joinAs(t, "Ada");
    const cases: [string, string][] = [
      ["  \r\n ", "Your post must not be empty."],
      ["<i>x</i>".repeat(376), "Your post must be at most 3,000 characters."],
      ["bad \u0007 bell", "Your post must not contain control characters."],
    ];
    for (const [content, message] of cases) {
      const res = await v.submit("/feed", "/feed", { content });
      assertEquals(res.status, 422, message);
      assertMatch(res.html, new RegExp(`<p id="post-content-error" aria-live="polite"[^>]*>${message}</p>`));
      const field = res.html.match(/<textarea[^>]*>([^<]*)<\/textarea>/)!;
      assertStringIncludes(field[0], 'aria-invalid="true"');
      assertStringIncludes(field[0], "autofocus");
      assertStringIncludes(field[0], 'aria-describedby="post-content-error post-content-count"');
      assertEquals(field[1], content.replace(/\r\n?/g, "\n").replaceAll("<", "&lt;"), "the text is kept");
      csrfOf(res.html); // a fresh form to send again
    }
    assertEquals((await t.app.store.listPosts({ authorId: id, limit: 5 })).items, []);
  });
});

Deno.test("[feed] a post without the CSRF token or from another site is refused (403) and nothing is posted", async () => {
  await withTestApp(async (t) => {
    const { v, id } = await joinAs(t, "Ada");
    const token = csrfOf((await v.page("/feed")).html);
    for (const [what, extra, headers] of forgeries(token)) {
      const res = await v.post("/feed", { content: "forged words", ...extra }, headers);
      assertEquals(res.status, 403, what);
      assertStringIncludes(res.html, "nothing was changed", what);
      assertStringIncludes(res.html, ">forged words</textarea>", what);
    }
    assertEquals((await t.app.store.listPosts({ authorId: id, limit: 5 })).items, []);
  });
});

Deno.test("[feed] links in posts are clickable only for http(s); markup stays text; long posts fold; media shows safely", async () => {
  await withTestApp(async (t) => {
    const { v, id } = await joinAs(t, "Ada");
    const store = t.app.store;
    await store.createPost({
      authorId: id,
      content: `<script>alert(1)</script> see https://example.com/a?b=1&c=2. and javascript:alert(2) or ` +
        `data:text/html,x <img src=x onerror=alert(3)> (https://en.wikipedia.org/wiki/Ada_(language))`,
    });
    const long = `${"A long post about engines. ".repeat(30)}THE END`;
    await store.createPost({ authorId: id, content: long });
    // Rows from before uploads hold other sites' URLs: never shown, so no viewer's browser asks those sites.
    await store.createPost({ authorId: id, content: "a picture", mediaUrl: "https://img.example/engine.png" });
    await store.createPost({ authorId: id, content: "a page", mediaUrl: "https://docs.example/notes" });
    await store.updateUser(id, { profilePictureUrl: "https://img.example/me.png" });
    const { html } = await v.page("/feed");
    assertEquals(articles(html), 4);
    assertEquals(html.match(/<img/g), null, "initials, and no hot-linked media");
    assertNotIncludes(html, "img.example");
    assertNotIncludes(html, "docs.example");

    assertNotIncludes(html, "<script>alert(1)");
    assertStringIncludes(html, "&lt;script>alert(1)&lt;/script>");
    assertStringIncludes(html, "&lt;img src=x onerror=alert(3)>");
    assertNotIncludes(html, 'href="javascript:');
    assertNotIncludes(html, 'href="data:');
    const hrefs = [...html.matchAll(/<a href="([^"]+)" rel="nofollow noopener ugc"/g)].map((m) => m[1]);
    assertEquals(hrefs.sort(), [
      "https://en.wikipedia.org/wiki/Ada_(language)",
      "https://example.com/a?b=1&amp;c=2",
    ]);
    assertMatch(
      html,
      /<a href="https:\/\/example\.com\/a\?b=1&amp;c=2" rel="nofollow noopener ugc"[^>]*>[^<]+<\/a>\. and/,
    );
    assertNotIncludes(html, 'target="');

    assertMatch(html, /<details><summary[^>]*>Show more<\/summary><p>[^<]*THE END<\/p><\/details>/);
    assertEquals(html.match(/<details>/g)?.length, 1, "short posts are not folded");

    // A v1 client's issued URL, set directly, shows as a picture in its fixed box.
    const v1 = await store.createPost({ authorId: id, content: "v1", mediaUrl: "/media/a1-0123456789abcdef-960.jpg" });
    await store.addToTimelines([id], { postId: v1.id, authorId: id, createdAt: v1.createdAt });
    const issued = (await v.page("/feed")).html;
    const img = issued.match(/<img[^>]*src="\/media\/a1-0123456789abcdef-960\.jpg"[^>]*>/)?.[0];
    assert(img, "an issued image URL shows as a picture");
    for (const attr of ['width="600"', 'height="400"', 'loading="lazy"', "object-cover", 'alt="Image shared by ']) {
      assertStringIncludes(img, attr);
    }
    assertMatch(issued, /\.aspect-\\\[3\\\/2\\\]\{aspect-ratio:3\/2\}/, "the picture's box is styled");
  });
});

Deno.test("[feed] cards reused from an earlier view keep their styles, and show an edit or a new name at once", async () => {
  await withTestApp(async (t) => {
    const { v, id } = await joinAs(t, "Ada");
    const post = await t.app.store.createPost({
      authorId: id,
      content: "First draft",
      mediaUrl: "/media/a1-0123456789abcdef-960.jpg",
    });
    const style = (html: string) => html.match(/<style id="__TWIND"[^>]*>([^<]*)<\/style>/)![1];
    const first = (await v.page("/feed")).html;
    const again = (await v.page("/feed")).html;
    assertEquals(style(again), style(first), "the second view, served from reused cards, has the same rules");
    assertMatch(style(again), /\.aspect-\\\[3\\\/2\\\]\{aspect-ratio:3\/2\}/, "a rule only the card uses");
    assertEquals(articles(again), 1);

    await t.app.store.updatePost(post.id, { content: "Final text" });
    await t.app.store.updateUser(id, { lastName: "Byron" });
    const edited = (await v.page("/feed")).html;
    assertStringIncludes(edited, "Final text");
    assertNotIncludes(edited, "First draft");
    assertMatch(edited, /<h3[^>]*><a [^>]*>Ada Byron<\/a>/);
  });
});

Deno.test("[feed] 20 posts a page; Show more posts leads on without JavaScript; a bad cursor is a friendly 422", async () => {
  await withTestApp(async (t) => {
    const { v, id } = await joinAs(t, "Ada");
    for (let i = 1; i <= 23; i++) await t.app.store.createPost({ authorId: id, content: `post number ${i}` });
    const first = await v.page("/feed");
    assertEquals(articles(first.html), 20);
    assertStringIncludes(first.html, "post number 23");
    assertNotIncludes(first.html, "post number 3<");
    const more = first.html.match(/<a href="(\/feed\?cursor=[^"]+)"[^>]*>Show more posts<\/a>/)?.[1];
    assert(more, "a link to the next page");

    const second = await v.page(more.replaceAll("&amp;", "&"));
    assertEquals(second.status, 200);
    assertEquals(articles(second.html), 3);
    for (const i of [3, 2, 1]) assertStringIncludes(second.html, `post number ${i}<`);
    assertNotIncludes(second.html, "Show more posts");
    assertStringIncludes(second.html, "Back to the newest posts");
    assertStringIncludes(second.html, "Earlier posts");

    for (const bad of ["abc", "x".repeat(5000), `${more.split("=")[1].slice(0, -3)}AAA`, "%00"]) {
      const res = await v.page(`/feed?cursor=${bad}`);
      assertEquals(res.status, 422, bad);
      assertStringIncludes(res.html, "That page of your feed cannot be shown");
      assertMatch(res.html, /<a href="\/feed"[^>]*>Go to the newest posts<\/a>/);
      assertStringIncludes(res.html, 'id="post-content"', "the Composer still works");
    }
  });
});

Deno.test("[feed] the feed holds my posts and my connections', not strangers'", async () => {
  await withTestApp(async (t) => {
    const ada = await joinAs(t, "Ada");
    const bob = await joinAs(t, "Bob");
    const cy = await joinAs(t, "Cy");
    const c = await t.app.store.createConnection({ senderId: ada.id, receiverId: bob.id, message: "" });
    await t.app.store.setConnectionStatus(c.id, "accepted");
    await t.app.store.createPost({ authorId: bob.id, content: "from a connection" });
    await t.app.store.createPost({ authorId: cy.id, content: "from a stranger" });
    await fanOut(t);
    const { html } = await ada.v.page("/feed");
    assertStringIncludes(html, "from a connection");
    assertNotIncludes(html, "from a stranger");
  });
});

Deno.test("[feed] a post's page: members only, 404 when unknown; its author deletes it, others cannot", async () => {
  await withTestApp(async (t) => {
    const author = await joinAs(t, "Ada");
    const other = await joinAs(t, "Grace");
    const post = await t.app.store.createPost({ authorId: author.id, content: "delete me later" });
    const path = `/posts/${post.id}`;

    const anonymous = await t.fetch(path, { redirect: "manual" });
    assertEquals(anonymous.status, 303);
    assertEquals(anonymous.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);

    for (const bad of ["01ZZZZZZZZZZZZZZZZZZZZZZZZ", "x".repeat(200), "%00"]) {
      const res = await other.v.page(`/posts/${bad}`);
      assertEquals(res.status, 404, bad);
      assertStringIncludes(res.html, "We can't find that page");
    }

    const seen = await other.v.page(path);
    assertEquals(seen.status, 200);
    assertMatch(seen.html, /<h1[^>]*>Post by Ada Lovelace\d+<\/h1>/);
    assertMatch(seen.html, /<h2[^>]*><a href="\/in\//);
    assertStringIncludes(seen.html, "delete me later");
    assertNotIncludes(seen.html, "Delete this post", "only the author sees the button");

    const refused = await other.v.post(`${path}/delete`, { _csrf: csrfOf(seen.html) });
    assertEquals(refused.status, 403);
    assertStringIncludes(refused.html, "Only the author or an admin may delete this post.");
    assert(await t.app.store.getPost(post.id), "still there");

    const own = await author.v.page(path);
    assertMatch(own.html, new RegExp(`<form method="post" action="${path}/delete"`));
    const forged = await author.v.post(`${path}/delete`, { _csrf: "nope" });
    assertEquals(forged.status, 403);
    assertStringIncludes(forged.html, "nothing was changed");
    assert(await t.app.store.getPost(post.id), "still there after a forged request");

    const done = await author.v.post(`${path}/delete`, { _csrf: csrfOf(own.html) });
    assertEquals(done.status, 303);
    assertEquals(done.res.headers.get("location"), "/feed");
    assertEquals(await t.app.store.getPost(post.id), null);
    assertEquals((await author.v.page(path)).status, 404);
    assertNotIncludes((await author.v.page("/feed")).html, "delete me later");
    assertEquals((await author.v.post(`${path}/delete`, { _csrf: csrfOf(own.html) })).status, 404);
  });
});

Deno.test("[feed] / sends a signed-in member to the feed; visitors still get the landing page", async () => {
  await withTestApp(async (t) => {
    const { v } = await joinAs(t, "Ada");
    const res = await v.request("/");
    assertEquals(res.status, 303);
    assertEquals(res.headers.get("location"), "/feed");
    const visitor = await t.fetch("/");
    assertEquals(visitor.status, 200);
    assertStringIncludes(await visitor.text(), "Your professional network, open and fast.");
  });
});

Deno.test("[feed] the Composer's source names every class the post cards it renders use (twind reads islands only)", async () => {
  const source = await Deno.readTextFile(new URL("../islands/Composer.tsx", import.meta.url));
  const listed = classesInSource(source);
  const variant = (id: string, width: number, height: number, type: "image/webp" | "image/jpeg") => ({
    url: `/media/${id}-0123456789abcdef-${width}.${type === "image/webp" ? "webp" : "jpg"}`,
    width,
    height,
    type,
  });
  const image = (id: string, height: number) => ({
    id,
    width: 960,
    height,
    alt: "",
    background: "linear-gradient(#102030,#405060,#708090)",
    variants: [variant(id, 960, height, "image/webp"), variant(id, 960, height, "image/jpeg")],
  });
  const post: CardPost = {
    id: "p1",
    author: { id: "u1", firstName: "Ada", lastName: "King", headline: "Analyst", profilePictureUrl: null },
    content: `${"https://example.com/ and more words. ".repeat(30)}`,
    mediaUrl: null,
    media: [image("a1", 640)],
    createdAt: new Date().toISOString(),
  };
  const used = new Set<string>();
  for (
    const variant of [
      post,
      { ...post, media: [image("a1", 2000)] },
      {
        ...post,
        media: [image("a1", 640), image("a2", 640), image("a3", 640)],
      },
      { ...post, media: [], mediaUrl: "/media/a4-0123456789abcdef-960.jpg" },
      {
        ...post,
        author: { ...post.author, profilePictureUrl: "/media/a5-0123456789abcdef-256.jpg" },
      },
    ]
  ) {
    classesInHtml(renderToString(h(PostCard, { post: variant, now: new Date() })), used);
  }
  const missing = [...used].filter((c) => !listed.has(c));
  assertEquals(missing, [], "add these to the class list in islands/Composer.tsx");
});

Deno.test("[feed] posting faster than the budget is a friendly 429 with the text kept", async () => {
  await withTestApp(async (t) => {
    const { v } = await joinAs(t, "Ada");
    // 10 * 0.05 = 1 post a minute, shared with the API
    assertEquals((await v.submit("/feed", "/feed", { content: "One" })).status, 303);
    const res = await v.submit("/feed", "/feed", { content: "Two, too soon" });
    assertEquals(res.status, 429);
    assert(Number(res.res.headers.get("retry-after")) >= 1);
    assertStringIncludes(res.html, "Wait ");
    assertStringIncludes(res.html, "Two, too soon");
  }, { env: { PROK_RATE_LIMIT_FACTOR: "0.05" } });
});

Deno.test("[feed] without JavaScript the Composer posts up to 4 photos with their descriptions; a bad file keeps the text", async () => {
  await withTestApp(async (t) => {
    const { v, id } = await joinAs(t, "Ada");
    const photo = await picture(1200, 800, MagickFormat.Jpeg) as Uint8Array<ArrayBuffer>;
    const compose = async (rows: [File | null, string][], content = "Photos from the workshop") => {
      const form = new FormData();
      form.set("_csrf", csrfOf((await v.page("/feed")).html));
      form.set("content", content);
      for (const [file, alt] of rows) {
        form.append("images", file ?? new File([], ""));
        form.append("alt", alt);
      }
      return await v.postForm("/feed", form);
    };
    // The feed's "Add photos" takes the typed text to a page of photo rows, which posts back to /feed.
    const feed = (await v.page("/feed")).html;
    assertMatch(feed, /<form method="post" action="\/feed" enctype="multipart\/form-data"/);
    assertMatch(feed, /<button type="submit" formaction="\/posts\/new" formnovalidate[^>]*>Add photos<\/button>/);
    const carried = new FormData();
    carried.set("_csrf", csrfOf(feed));
    carried.set("content", "Typed on the feed <first>");
    const page = await v.postForm("/posts/new", carried);
    assertEquals(page.status, 200);
    assertStringIncludes(page.html, ">Typed on the feed &lt;first></textarea>");
    assertMatch(page.html, /<form method="post" action="\/feed" enctype="multipart\/form-data"/);
    assertEquals(page.html.match(/<input type="file" name="images"/g)?.length, 4);
    assertEquals((await v.postForm("/posts/new", new FormData())).status, 403, "a forged form is refused");

    const done = await compose([[new File([photo], "a.jpg"), "The lathe"], [null, ""], [
      new File([photo], "b.jpg"),
      "",
    ]]);
    assertEquals(done.status, 303, done.html);
    const html = (await v.page("/feed")).html;
    const pictures = html.match(/<picture>[\s\S]*?<\/picture>/g) ?? [];
    assertEquals(pictures.length, 2);
    assertStringIncludes(pictures[0]!, 'alt="The lathe"');
    assertStringIncludes(pictures[1]!, 'alt="Photo 2 of 2 shared by Ada ');
    for (const p of pictures) {
      assertMatch(
        p,
        /<source type="image\/webp" srcset="\/media\/[^"]+-480\.webp 480w, \/media\/[^"]+-960\.webp 960w"/,
      );
      assertMatch(p, / sizes="\(min-width: 42rem\) 20rem, calc\(50vw - 2rem\)"/);
      assertMatch(p, / width="960" height="640"/);
      assertMatch(
        p,
        /style="aspect-ratio:1 \/ 1;background:linear-gradient\(#[0-9a-f]{6},#[0-9a-f]{6},#[0-9a-f]{6}\)"/,
      );
      assertNotIncludes(p, 'loading="lazy"'); // the first card: on the first screen
      assertNotIncludes(p, "__frsh_c");
    }
    const [post] = (await t.app.store.listPosts({ authorId: id, limit: 1 })).items;
    assertEquals(post.mediaIds?.length, 2);

    const svg = new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], "c.jpg", { type: "image/jpeg" });
    const refused = await compose([[svg, ""]], "Kept when refused");
    assertEquals(refused.status, 415);
    assertStringIncludes(refused.html, "Upload a JPEG, PNG, WebP, AVIF or GIF image.");
    assertStringIncludes(refused.html, "Kept when refused");
    assertEquals((await t.app.store.listPosts({ authorId: id, limit: 5 })).items.length, 1, "nothing posted");
  });
});
