// "My network", profiles' connect buttons and the notifications page as a browser without JavaScript uses them:
// plain form posts with the CSRF token scraped from the page, 303 redirects and flash messages, through the real app.
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotIncludes,
  assertStringIncludes,
} from "../framework/testing/assert.ts";
import { withTestApp } from "./testing.ts";
import { joinAs, Visitor } from "./visitor.ts";

/** The text of the page's flash message, or null. */
const flashOf = (html: string) => html.match(/<p role="status"[^>]*>([^<]*)<\/p>/)?.[1] ?? null;

Deno.test("[pages] invite from a profile, accept on My network, remove: each with a 303 and a flash message", async () => {
  await withTestApp(async (t) => {
    const ada = await joinAs(t, "Ada", "Net");
    const bob = await joinAs(t, "Bob", "Net");
    const profile = await ada.v.page(`/in/${bob.id}`);
    assertStringIncludes(profile.html, "3rd+");
    assertStringIncludes(profile.html, `aria-label="Connect with ${bob.name}"`);

    const sent = await ada.v.submit(`/in/${bob.id}`, "/network/invite", {
      receiverId: bob.id,
      message: "We met at the meetup\r\nin Berlin",
      next: `/in/${bob.id}`,
    });
    assertEquals([sent.status, sent.res.headers.get("location")], [303, `/in/${bob.id}`]);
    const after = await ada.v.page(`/in/${bob.id}`);
    assertEquals(flashOf(after.html), `Invitation sent to ${bob.name}.`);
    assertStringIncludes(after.html, "Invitation sent");
    assertStringIncludes(after.html, `Withdraw your invitation to ${bob.name}`);
    assertEquals(flashOf((await ada.v.page(`/in/${bob.id}`)).html), null, "a flash is shown once");

    // Bob's header counts the invitation; My network shows it with its note.
    const network = await bob.v.page("/network");
    assertMatch(network.html, /Notifications<span[^>]*>1<span class="sr-only">unread<\/span>/);
    assertStringIncludes(network.html, "We met at the meetup\nin Berlin");
    const accepted = await bob.v.submit("/network", "/network/act", {
      id: network.html.match(/name="id" value="([^"]+)"/)![1],
      action: "accept",
      next: "/network",
    });
    assertEquals([accepted.status, accepted.res.headers.get("location")], [303, "/network"]);
    const connected = await bob.v.page("/network");
    assertEquals(flashOf(connected.html), `You are now connected with ${ada.name}.`);
    assertStringIncludes(connected.html, `Remove your connection with ${ada.name}`);
    assertStringIncludes(connected.html, "No invitations are waiting for you.");
    assertStringIncludes((await ada.v.page(`/in/${bob.id}`)).html, "1st");

    // Ada is told, and reads it on the notifications page.
    const notes = await ada.v.page("/notifications");
    assertStringIncludes(notes.html, `${bob.name} accepted your invitation.`);
    const read = await ada.v.submit("/notifications", "/notifications/read", {});
    assertEquals([read.status, read.res.headers.get("location")], [303, "/notifications"]);
    const readPage = await ada.v.page("/notifications");
    assertEquals(flashOf(readPage.html), "All notifications are marked as read.");
    assertNotIncludes(readPage.html, 'sr-only">unread');

    const removed = await ada.v.submit("/network/connections", "/network/act", {
      id: (await ada.v.page("/network/connections")).html.match(/name="id" value="([^"]+)"/)![1],
      action: "remove",
      next: "/network/connections",
    });
    assertEquals(removed.status, 303);
    const gone = await ada.v.page("/network/connections");
    assertEquals(flashOf(gone.html), `You are no longer connected with ${bob.name}.`);
    assertStringIncludes(gone.html, "You have no connections yet.");
  });
});

Deno.test("[pages] refused network forms explain themselves with the right status and change nothing", async () => {
  await withTestApp(async (t) => {
    const ada = await joinAs(t, "Ada", "Net");
    const bob = await joinAs(t, "Bob", "Net");
    const eve = await joinAs(t, "Eve", "Net");
    await ada.v.submit(`/in/${bob.id}`, "/network/invite", { receiverId: bob.id, next: `/in/${bob.id}` });
    const twice = await ada.v.submit(`/in/${bob.id}`, "/network/invite", { receiverId: bob.id, next: `/in/${bob.id}` });
    assertEquals(twice.status, 409);
    assertStringIncludes(twice.html, "The invitation was not sent");
    assertStringIncludes(twice.html, `href="/in/${bob.id}"`);

    const long = await ada.v.submit("/network", "/network/invite", { receiverId: eve.id, message: "x".repeat(301) });
    assertEquals(long.status, 422);
    assertStringIncludes(long.html, "Your note must be at most 300 characters.");
    const unknown = await ada.v.submit("/network", "/network/invite", { receiverId: "999999" });
    assertEquals(unknown.status, 404);

    // Eve cannot act on Ada's invitation to Bob, and learns nothing about it.
    const id = (await bob.v.page("/network")).html.match(/name="id" value="([^"]+)"/)![1];
    const bola = await eve.v.submit("/network", "/network/act", { id, action: "accept" });
    assertEquals(bola.status, 404);
    const sender = await ada.v.submit("/network", "/network/act", { id, action: "accept" });
    assertEquals(sender.status, 403);
    const bogus = await bob.v.submit("/network", "/network/act", { id, action: "explode" });
    assertEquals(bogus.status, 400);
    const forged = await bob.v.post("/network/act", { _csrf: "forged", id, action: "accept" });
    assertEquals(forged.status, 403);
    assertStringIncludes((await bob.v.page("/network")).html, `Accept ${ada.name}'s invitation`);

    // An off-site `next` is ignored.
    const offsite = await bob.v.submit("/network", "/network/act", {
      id,
      action: "ignore",
      next: "//evil.example/",
    });
    assertEquals([offsite.status, offsite.res.headers.get("location")], [303, "/network"]);
  });
});

Deno.test("[pages] network pages need a session, page by page, and refuse forged cursors with a way back", async () => {
  await withTestApp(async (t) => {
    const anonymous = new Visitor(t);
    for (const path of ["/network", "/network/sent", "/notifications"]) {
      const res = await anonymous.page(path);
      assertEquals([res.status, res.res.headers.get("location")], [303, `/login?next=${encodeURIComponent(path)}`]);
    }
    const ada = await joinAs(t, "Ada", "Net");
    assertEquals((await ada.v.page("/network/elsewhere")).status, 404);
    for (let i = 0; i < 22; i++) {
      const other = await t.app.store.createUser({
        email: `sent${i}@example.com`,
        passwordHash: "x",
        firstName: "Sent",
        lastName: `To${i}`,
        role: "member",
      });
      await t.app.store.createConnection({ senderId: ada.id, receiverId: other.id, message: "" });
    }
    const first = await ada.v.page("/network/sent");
    assertEquals((first.html.match(/Withdraw your invitation/g) ?? []).length, 20);
    const more = first.html.match(/href="\/network\/sent\?cursor=([^"]+)"/);
    assert(more, "a link to the next page");
    const second = await ada.v.page(`/network/sent?cursor=${more[1]}`);
    assertEquals((second.html.match(/Withdraw your invitation/g) ?? []).length, 2);
    const forged = await ada.v.page("/network/sent?cursor=forged");
    assertEquals(forged.status, 422);
    assertStringIncludes(forged.html, "Go to the first page");
    const overview = await ada.v.page("/network");
    assertStringIncludes(overview.html, 'href="/network/sent"');
    assertEquals((overview.html.match(/Withdraw your invitation/g) ?? []).length, 10);
  });
});
