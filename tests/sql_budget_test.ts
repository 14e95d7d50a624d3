// QUALITY.md: "per page ≤ 4 SQL statements". Each page a signed-in member opens, counted on the real MySQL store
// (transaction control included), with a network that has something to show on every page.
import { assertEquals, assertStringIncludes } from "../framework/testing/assert.ts";
import { requireServer } from "../services/testing.ts";
import type { MysqlStore } from "../services/store/mysql/store.ts";
import { openScratchDatabase } from "../services/store/mysql/testing.ts";
import { withTestApp } from "./testing.ts";
import { joinAs } from "./visitor.ts";

const databaseUrl = requireServer("DATABASE_URL");
const BUDGET = 4;

/** The statements of each page a signed-in member opens, on an app with `env` added to a scratch database's URL. */
async function pageCounts(env: (url: string) => Record<string, string>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const scratch = await openScratchDatabase();
  try {
    await withTestApp(async (t) => {
      const store = t.app.store as MysqlStore;
      const ada = await joinAs(t, "Ada", "Sql");
      const bob = await joinAs(t, "Bob", "Sql");
      // Every source of suggestions has something for Ada: Cy is Bob's connection (second degree), Dee shares her
      // city, Eve words of her headline.
      const [cy, dee, eve] = [
        await joinAs(t, "Cy", "Sql"),
        await joinAs(t, "Dee", "Sql"),
        await joinAs(t, "Eve", "Sql"),
      ];
      await store.updateUser(ada.id, { location: "Berlin", headline: "Platform engineer" });
      await store.updateUser(dee.id, { location: "Berlin" });
      await store.updateUser(eve.id, { headline: "Platform lead" });
      for (const [a, b] of [[bob, ada], [bob, cy]]) {
        const invite = await store.createConnection({ senderId: a.id, receiverId: b.id, message: "" });
        await store.setConnectionStatus(invite.id, "accepted");
      }
      await store.createConnection({ senderId: dee.id, receiverId: ada.id, message: "" });
      await store.createConnection({ senderId: ada.id, receiverId: eve.id, message: "" });
      // A post with photos: their records come with the page, not one read per card.
      const photos = await Promise.all([1, 2].map(() =>
        store.createMedia({
          ownerId: bob.id,
          purpose: "post",
          width: 960,
          height: 640,
          alt: "",
          placeholder: "",
          variants: [{ key: "media/x-0123456789abcdef-960.jpg", width: 960, height: 640, type: "image/jpeg" }],
        })
      ));
      const post = await store.createPost({
        authorId: bob.id,
        content: "Shipping the feed https://example.com",
        mediaIds: photos.map((m) => m.id),
      });
      await store.createMessage({ senderId: bob.id, receiverId: ada.id, content: "Hello Ada" });
      const job = await store.createJob({
        posterId: bob.id,
        title: "Engineer",
        description: "Build",
        jobType: "full-time",
      });
      await ada.v.page("/feed"); // the first page of a visit also sets the CSRF cookie: count the pages after it

      const pages: [string, string][] = [
        ["/feed", "/feed"],
        ["/posts/:id", `/posts/${post.id}`],
        ["/in/:me", `/in/${ada.id}`],
        ["/in/:other", `/in/${bob.id}`],
        ["/network", "/network"],
        ["/notifications", "/notifications"],
        ["/messaging", "/messaging"],
        ["/messaging/:other (an unread message in it)", `/messaging/${bob.id}`],
        ["/messaging/:other (all read)", `/messaging/${bob.id}`],
        ["/jobs", "/jobs"],
        ["/jobs/:id", `/jobs/${job.id}`],
        ["/search", "/search?q=shipping"],
        ["/settings", "/settings"],
      ];
      for (const [name, path] of pages) {
        const before = store.statements;
        const { status, html } = await ada.v.page(path);
        assertEquals(status, 200, path);
        counts[name] = store.statements - before;
        // The counts are of real pages: My network shows what each of its reads found.
        if (path === "/network") { for (const who of [bob, cy, dee]) assertStringIncludes(html, who.name); }
      }
    }, { env: { DATABASE_URL: scratch.url, ...env(scratch.url) } });
  } finally {
    await scratch.cleanup();
  }
  return counts;
}

Deno.test({
  name: "[sql] every page a member opens makes at most 4 SQL statements, with read replicas as without",
  ignore: !databaseUrl,
  fn: async () => {
    const counts = await pageCounts(() => ({}));
    const over = Object.entries(counts).filter(([, n]) => n > BUDGET || n === 0);
    assertEquals(over, [], `SQL statements per page: ${JSON.stringify(counts)}`);
    // The database stands in as its own replica: where each read goes does not change how many there are.
    const withReplica = await pageCounts((url) => ({ DATABASE_READ_URLS: url }));
    assertEquals(withReplica, counts, "read replicas add no statement to any page");
  },
});
