// Chat in a real browser: two members in two contexts write both ways, see each other typing and their messages
// delivered and read, one goes offline and comes back without losing or doubling a message; then the same exchange
// with JavaScript off, as plain forms.
import { assert, assertEquals } from "$fresh/testing/assert.ts";
import type { Page } from "playwright-core";
import { connected } from "../api_client.ts";
import { type TestApp, withWorkers } from "../testing.ts";
import { browserTest, type WatchedPage } from "./harness.ts";

type Member = Awaited<ReturnType<typeof connected>>[number];

async function signedIn(kit: Parameters<Parameters<typeof browserTest>[1]>[0], url: string, who: Member, js = true) {
  const opened: WatchedPage = await kit.newPage({ javaScriptEnabled: js });
  await opened.context.addCookies([{ name: "prok_at", value: who.accessToken, url }]);
  return opened;
}

const bubbles = (page: Page) => page.locator("ol[aria-label^='Messages with'] li p.whitespace-pre-wrap");

async function texts(page: Page): Promise<string[]> {
  return await bubbles(page).allInnerTexts();
}

async function waitForText(page: Page, text: string, count = 1): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const n = (await texts(page)).filter((t) => t === text).length;
    if (n === count) return;
    assert(Date.now() < deadline, `"${text}" shown ${n} times, not ${count}: ${JSON.stringify(await texts(page))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function live(page: Page): Promise<void> {
  // The island is live once the socket is open: its "Reconnecting…" note is gone and a typed key reaches it.
  await page.waitForFunction(() => document.querySelector("textarea#message-content") !== null);
  await page.waitForTimeout(300);
}

async function stateOf(page: Page, text: string): Promise<string | null> {
  const bubble = page.locator("ol[aria-label^='Messages with'] li", { hasText: text });
  return await bubble.locator("[data-state]").getAttribute("data-state");
}

async function waitForState(page: Page, text: string, state: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await stateOf(page, text)) !== state) {
    assert(Date.now() < deadline, `"${text}" is ${await stateOf(page, text)}, not ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel("Write a message").fill(text);
  await page.getByRole("button", { name: "Send" }).click();
}

browserTest(
  "[browser] chat both ways live: typing, delivered and read, offline and back without a loss",
  async (kit) => {
    await withWorkers(async (t: TestApp) => {
      const { url } = await kit.serve(t.handler);
      const [ada, bob] = await connected(t);
      const a = await signedIn(kit, url, ada);
      const b = await signedIn(kit, url, bob);
      await a.page.goto(`${url}/messaging/${bob.user.id}`);
      await b.page.goto(`${url}/messaging/${ada.user.id}`);
      await live(a.page);
      await live(b.page);

      await a.page.getByLabel("Write a message").pressSequentially("Hi Bob", { delay: 20 });
      await b.page.getByText(`${ada.user.firstName as string} is typing…`).waitFor();
      await a.page.getByRole("button", { name: "Send" }).click();
      await waitForText(b.page, "Hi Bob");
      await waitForState(a.page, "Hi Bob", "read"); // Bob's page is open and visible: read at once
      assertEquals(
        await b.page.getByText(`${ada.user.firstName as string} is typing…`).count(),
        0,
        "a message ends typing",
      );

      await say(b.page, "Hello Ada 👋");
      await waitForText(a.page, "Hello Ada 👋");

      // Ada drops off the network; Bob writes meanwhile; Ada writes too, and it waits.
      await a.context.setOffline(true);
      await a.page.evaluate(() => dispatchEvent(new Event("offline")));
      await a.page.getByText("Reconnecting…", { exact: false }).waitFor();
      await say(b.page, "Are you there?");
      await say(a.page, "Written offline");
      await waitForState(a.page, "Written offline", "queued");

      await a.context.setOffline(false);
      await waitForText(a.page, "Are you there?");
      await waitForText(b.page, "Written offline");
      await waitForState(a.page, "Written offline", "read");
      // Nothing missed, nothing twice, on either side, and the same after a reload from the server.
      const expected = ["Hi Bob", "Hello Ada 👋", "Are you there?", "Written offline"];
      assertEquals(await texts(a.page), expected);
      assertEquals(await texts(b.page), expected);
      await b.page.reload();
      assertEquals(await texts(b.page), expected);
      const stored = await t.app.store.listMessages(ada.user.id, bob.user.id, { limit: 10 });
      assertEquals(stored.items.map((m) => m.content).reverse(), expected);

      a.issues.assertNone();
      b.issues.assertNone();
    });
  },
);

browserTest("[browser] the same exchange with JavaScript off: forms that post and redirect", async (kit) => {
  await withWorkers(async (t: TestApp) => {
    const { url } = await kit.serve(t.handler);
    const [ada, bob] = await connected(t);
    const a = await signedIn(kit, url, ada, false);
    const b = await signedIn(kit, url, bob, false);
    await a.page.goto(`${url}/messaging`);
    assert(await a.page.getByText("No conversations yet.").isVisible());
    await a.page.goto(`${url}/messaging/${bob.user.id}`);
    await say(a.page, "Plain form, line one\nline two");
    await a.page.waitForURL(`${url}/messaging/${bob.user.id}`);
    await waitForText(a.page, "Plain form, line one\nline two");

    await b.page.goto(`${url}/messaging`);
    await b.page.getByRole("navigation", { name: "Conversations" }).getByRole("link").first().click();
    await waitForText(b.page, "Plain form, line one\nline two");
    await say(b.page, "Got it");
    await b.page.waitForURL(`${url}/messaging/${ada.user.id}`);
    await a.page.reload();
    await waitForText(a.page, "Got it");
    assertEquals(await texts(a.page), ["Plain form, line one\nline two", "Got it"]);
    for (const p of [a, b]) p.issues.assertNone();
  });
});
