// The feed in a real browser, with JavaScript on and off: join, write a post with the Composer (found by its label),
// see it at once, and find it again after a reload. The app's queue workers run, so the real fan-out fills the feed.
import { assert, assertEquals, assertStringIncludes } from "$fresh/testing/assert.ts";
import type { Page } from "playwright-core";
import { withWorkers } from "../testing.ts";
import { browserTest } from "./harness.ts";
import { joinByForm } from "./join.ts";

const LABEL = "Share something with your network";

/** Joins through the form and opens the feed. */
async function joinAndOpenFeed(page: Page, url: string): Promise<void> {
  await joinByForm(page, url, { firstName: "Ada", lastName: "Lovelace" });
  await page.goto(`${url}/`);
  await page.waitForURL(`${url}/feed`); // members start at their feed
}

/** Reloads until `text` shows in the server-rendered feed: the fan-out runs on the queue, a moment after the post. */
async function reloadUntilInFeed(page: Page, text: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    if (await page.locator("section[aria-labelledby=posts-title] article", { hasText: text }).count()) return;
    assert(Date.now() < deadline, `"${text}" never reached the feed`);
    await new Promise((r) => setTimeout(r, 100));
    await page.reload();
  }
}

browserTest(
  "[browser] the Composer posts in place with JavaScript; a lost answer is retried without a double post",
  async (kit) => {
    await withWorkers(async (t) => {
      const { url } = await kit.serve(t.handler);
      const { page, issues } = await kit.newPage();
      await joinAndOpenFeed(page, url);

      const field = page.getByLabel(LABEL);
      const button = page.getByRole("button", { name: "Post", exact: true });
      const counter = page.locator("#post-content-count");
      await page.waitForFunction(() => document.querySelector("form[action='/feed'] button")?.hasAttribute("disabled"));
      assertEquals(await counter.textContent(), "0 / 3,000");
      assertEquals(await counter.getAttribute("aria-live"), "polite");

      const sent: { key: string | null; csrf: string | null }[] = [];
      page.on("request", (req) => {
        if (req.method() === "POST") {
          sent.push({ key: req.headers()["idempotency-key"] ?? null, csrf: req.headers()["x-csrf-token"] ?? null });
        }
      });
      let navigations = 0;
      page.on("framenavigated", (frame) => {
        if (frame === page.mainFrame()) navigations++;
      });

      // Typed by keyboard: the counter follows, the button comes alive, Enter on it posts.
      await field.focus();
      await page.keyboard.type("Hello, network! Notes at https://example.com/notes.");
      await page.waitForFunction(() => document.querySelector("#post-content-count")?.textContent === "51 / 3,000");
      assert(await button.isEnabled());
      await page.keyboard.press("Tab");
      const photos = page.getByLabel("Add photos", { exact: true });
      assert(await photos.evaluate((el) => el === document.activeElement), "Tab reaches Add photos");
      await page.keyboard.press("Tab");
      assert(await button.evaluate((el) => el === document.activeElement), "then Post");
      await page.keyboard.press("Enter");

      const created = page.getByRole("list", { name: "Your new posts" }).locator("article");
      await created.first().waitFor();
      assertStringIncludes(await created.first().innerText(), "Hello, network!");
      const link = created.first().getByRole("link", { name: "https://example.com/notes" });
      assertEquals(await link.getAttribute("rel"), "nofollow noopener ugc");
      assertEquals(await field.inputValue(), "");
      assertEquals(await counter.textContent(), "0 / 3,000");
      assertEquals(await page.getByRole("status").textContent(), "Your post was shared.");
      assert(await field.evaluate((el) => el === document.activeElement), "focus returns to the field");
      assertEquals(navigations, 0, "posting does not navigate");
      assertEquals(page.url(), `${url}/feed`);
      assertEquals(sent.length, 1);
      assert(sent[0].key && sent[0].csrf, "Idempotency-Key and x-csrf-token are sent");

      // The answer is lost on the way back (the post was stored): the retry replays it, nothing is posted twice.
      await page.route("**/api/posts", async (route) => {
        await route.fetch();
        await route.abort("connectionreset");
      }, { times: 1 });
      await field.fill("Posted once, whatever the network does");
      await button.click();
      const error = page.locator("#post-content-error");
      await page.waitForFunction(() => document.querySelector("#post-content-error")?.textContent !== "");
      assertStringIncludes(await error.innerText(), "could not be reached");
      assertStringIncludes(await error.innerText(), "it will not be posted twice");
      assertEquals(await error.getAttribute("aria-live"), "polite");
      assertEquals(await field.inputValue(), "Posted once, whatever the network does", "the text is kept");
      await button.click();
      await page.waitForFunction(() =>
        document.querySelectorAll("ol[aria-label='Your new posts'] article").length === 2
      );
      assertEquals(await error.textContent(), "");
      assertEquals(sent.length, 3);
      assertEquals(sent[2].key, sent[1].key, "the retry carries the same Idempotency-Key");
      assert(sent[1].key !== sent[0].key, "a new post gets a new key");
      const mine = (await t.app.store.listPosts({ limit: 10 })).items.map((p) => p.content);
      assertEquals(mine, [
        "Posted once, whatever the network does",
        "Hello, network! Notes at https://example.com/notes.",
      ]);

      // A post the API refuses: the message sits by the field, the field is marked invalid.
      await field.fill("bell \u0007 character");
      await button.click();
      await page.waitForFunction(() => document.querySelector("#post-content-error")?.textContent !== "");
      assertEquals(await error.textContent(), "Your post must not contain control characters.");
      assertEquals(await field.getAttribute("aria-invalid"), "true");

      // After a reload the posts come from the server, through the real fan-out.
      await reloadUntilInFeed(page, "Posted once, whatever the network does");
      await reloadUntilInFeed(page, "Hello, network!");
      assertEquals(await page.getByRole("list", { name: "Your new posts" }).count(), 0);

      // Chromium logs the refused request and the cut connection as console errors: those are meant, nothing else.
      const meant = [/status of 422 \(Unprocessable Entity\) \(.*\/api\/posts:0\)$/, /net::ERR_CONNECTION_RESET/];
      for (const m of meant) assert(issues.consoleErrors.some((e) => m.test(e)), `expected a console error like ${m}`);
      issues.consoleErrors = issues.consoleErrors.filter((e) => !meant.some((m) => m.test(e)));
      issues.assertNone();
    });
  },
);

browserTest(
  "[browser] the Composer is a plain form without JavaScript: 303 back to the feed, errors by the field",
  async (kit) => {
    await withWorkers(async (t) => {
      const { url } = await kit.serve(t.handler);
      const { page, issues } = await kit.newPage({ javaScriptEnabled: false });
      await joinAndOpenFeed(page, url);
      assert(await page.getByText("Your feed is quiet for now.").isVisible());

      const field = page.getByLabel(LABEL);
      const button = page.getByRole("button", { name: "Post", exact: true });
      assert(await button.isEnabled(), "no JavaScript, no disabled button");
      await field.fill("Written without JavaScript\non two lines");
      const [response] = await Promise.all([page.waitForResponse(`${url}/feed`), button.click()]);
      assertEquals(response.request().method(), "POST");
      assertEquals(response.status(), 303);
      await page.waitForURL(`${url}/feed`);
      await reloadUntilInFeed(page, "Written without JavaScript");
      const text = await page.locator("article p").first().innerText();
      assertEquals(text, "Written without JavaScript\non two lines", "line breaks are kept");

      // Blanks only: the server says why next to the field and keeps what was typed.
      await field.fill("   ");
      await button.click();
      await page.waitForURL(`${url}/feed`);
      assertEquals(await page.locator("#post-content-error").textContent(), "Your post must not be empty.");
      assertEquals(await field.getAttribute("aria-invalid"), "true");
      assert(await field.evaluate((el) => el === document.activeElement), "the field has the focus");

      const meant = [`status of 422 (Unprocessable Entity) (${url}/feed:0)`];
      for (const m of meant) assert(issues.consoleErrors.some((e) => e.endsWith(m)), `expected a page answering ${m}`);
      issues.consoleErrors = issues.consoleErrors.filter((e) => !meant.some((m) => e.endsWith(m)));
      issues.assertNone();
    });
  },
);
