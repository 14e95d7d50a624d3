// Two members grow their network in a real browser with JavaScript off: invite from a profile, accept on My network,
// read each other's posts in the feed (the real fan-out worker runs on the app's queue), then remove the connection
// and see the posts leave both feeds.
import { assert, assertEquals } from "$fresh/testing/assert.ts";
import type { Page } from "playwright-core";
import { withWorkers } from "../testing.ts";
import { browserTest } from "./harness.ts";
import { joinByForm } from "./join.ts";

function join(page: Page, url: string, firstName: string): Promise<string> {
  return joinByForm(page, url, { firstName, lastName: "Network" });
}

async function post(page: Page, url: string, text: string): Promise<void> {
  await page.goto(`${url}/feed`);
  await page.getByLabel("Share something with your network").fill(text);
  await page.getByRole("button", { name: "Post", exact: true }).click();
  await page.waitForURL(`${url}/feed`);
}

/** Reloads the feed until `text` is in it (or, with `present` false, is gone): the fan-out runs on the queue. */
async function feedShows(page: Page, url: string, text: string, present = true): Promise<void> {
  const deadline = Date.now() + 10_000;
  await page.goto(`${url}/feed`);
  for (;;) {
    const count = await page.locator("section[aria-labelledby=posts-title] article", { hasText: text }).count();
    if ((count > 0) === present) return;
    assert(Date.now() < deadline, `"${text}" ${present ? "never reached" : "never left"} the feed`);
    await new Promise((r) => setTimeout(r, 100));
    await page.reload();
  }
}

browserTest("[browser] invite, accept, see each other's posts, remove: all with JavaScript off", async (kit) => {
  await withWorkers(async (t) => {
    const { url } = await kit.serve(t.handler);
    const ada = await kit.newPage({ javaScriptEnabled: false });
    const bob = await kit.newPage({ javaScriptEnabled: false });
    await join(ada.page, url, "Ada");
    const bobProfile = await join(bob.page, url, "Bob");
    await post(ada.page, url, "Ada's post about compilers");
    await post(bob.page, url, "Bob's post about databases");

    // Ada connects from Bob's profile with a note.
    await ada.page.goto(`${url}${bobProfile}`);
    assert(await ada.page.getByText("3rd+").isVisible());
    await ada.page.getByText("Add a note").click();
    await ada.page.getByLabel("Note to Bob Network (optional)").fill("Loved your talk on indexes!");
    await ada.page.getByRole("button", { name: "Connect with Bob Network" }).click();
    await ada.page.waitForURL(`${url}${bobProfile}`);
    assertEquals(await ada.page.getByRole("status").textContent(), "Invitation sent to Bob Network.");

    // Bob sees the count in the header, then the invitation with its note, and accepts.
    await bob.page.goto(`${url}/feed`);
    assertEquals(
      (await bob.page.getByRole("link", { name: /Notifications/ }).textContent())?.replace(/\s+/g, " ").trim(),
      "Notifications1unread",
    );
    await bob.page.getByRole("link", { name: "My network" }).click();
    assert(await bob.page.getByText("Loved your talk on indexes!").isVisible());
    await bob.page.getByRole("button", { name: "Accept Ada Network's invitation" }).click();
    await bob.page.waitForURL(`${url}/network`);
    assertEquals(await bob.page.getByRole("status").textContent(), "You are now connected with Ada Network.");

    await feedShows(ada.page, url, "Bob's post about databases");
    await feedShows(bob.page, url, "Ada's post about compilers");

    // Ada removes the connection from her connections list; both feeds lose the other's post.
    await ada.page.goto(`${url}/network/connections`);
    await ada.page.getByRole("button", { name: "Remove your connection with Bob Network" }).click();
    await ada.page.waitForURL(`${url}/network/connections`);
    assertEquals(await ada.page.getByRole("status").textContent(), "You are no longer connected with Bob Network.");
    await feedShows(ada.page, url, "Bob's post about databases", false);
    await feedShows(bob.page, url, "Ada's post about compilers", false);
    await feedShows(ada.page, url, "Ada's post about compilers");

    ada.issues.assertNone();
    bob.issues.assertNone();
  });
});
