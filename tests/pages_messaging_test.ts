// Messaging as a browser without JavaScript uses it: the conversation list, a thread with a plain form that posts
// and redirects, resubmission without a duplicate, and the refusals, through the real app.
import { assertEquals, assertNotIncludes, assertStringIncludes } from "../framework/testing/assert.ts";
import { type TestApp, withTestApp } from "./testing.ts";
import { joinAs, Visitor } from "./visitor.ts";

async function connect(t: TestApp, a: { id: string }, b: { id: string }) {
  const c = await t.app.store.createConnection({ senderId: a.id, receiverId: b.id, message: "" });
  await t.app.store.setConnectionStatus(c.id, "accepted");
}

const clientIdOf = (html: string) => html.match(/name="clientId" value="([^"]+)"/)![1];

Deno.test("[pages] a thread without JavaScript: post, 303 back, the message shows; a resubmitted form stores one", async () => {
  await withTestApp(async (t) => {
    const ada = await joinAs(t, "Ada", "Chat");
    const bob = await joinAs(t, "Bob", "Chat");
    await connect(t, ada, bob);
    const thread = await ada.v.page(`/messaging/${bob.id}`);
    assertEquals(thread.status, 200);
    assertStringIncludes(thread.html, "No messages yet. Say hello!");
    const clientId = clientIdOf(thread.html);
    const fields = { content: "Hello Bob,\r\nhow are you?", clientId };
    const sent = await ada.v.submit(`/messaging/${bob.id}`, `/messaging/${bob.id}`, fields);
    assertEquals([sent.status, sent.res.headers.get("location")], [303, `/messaging/${bob.id}`]);
    // The same form sent again (a double click, a retried request): one message.
    await ada.v.submit(`/messaging/${bob.id}`, `/messaging/${bob.id}`, fields);
    const after = await ada.v.page(`/messaging/${bob.id}`);
    assertEquals(
      (after.html.match(/<p class="whitespace-pre-wrap break-words">Hello Bob,\nhow are you\?/g) ?? []).length,
      1,
    );

    // Bob sees it in his list as unread, then opening the thread reads it.
    const list = await bob.v.page("/messaging");
    assertStringIncludes(list.html, ada.name);
    const conversationBadge = 'px-2 text-xs font-bold text-white">1<span class="sr-only">unread</span>';
    assertStringIncludes(list.html, conversationBadge);
    const opened = await bob.v.page(`/messaging/${ada.id}`);
    assertStringIncludes(opened.html, "Hello Bob,\nhow are you?");
    assertNotIncludes(opened.html, conversationBadge, "the list beside the opened thread counts it read");
    assertNotIncludes((await bob.v.page("/messaging")).html, conversationBadge);
    const reply = await bob.v.submit(`/messaging/${ada.id}`, `/messaging/${ada.id}`, {
      content: "Fine, thanks! <script>alert(1)</script>",
      clientId: crypto.randomUUID(),
    });
    assertEquals(reply.status, 303);
    const adaView = await ada.v.page(`/messaging/${bob.id}`);
    assertStringIncludes(adaView.html, "Fine, thanks! &lt;script>alert(1)&lt;/script>");
    assertNotIncludes(adaView.html, "<script>alert(1)");
  });
});

Deno.test("[pages] refused messages keep the text and say why; strangers cannot write; visitors sign in", async () => {
  await withTestApp(async (t) => {
    const ada = await joinAs(t, "Ada", "Chat");
    const bob = await joinAs(t, "Bob", "Chat");
    const eve = await joinAs(t, "Eve", "Chat");
    await connect(t, ada, bob);
    const blank = await ada.v.submit(`/messaging/${bob.id}`, `/messaging/${bob.id}`, { content: "   " });
    assertEquals(blank.status, 422);
    assertStringIncludes(blank.html, "Your message must not be empty.");
    const long = await ada.v.submit(`/messaging/${bob.id}`, `/messaging/${bob.id}`, { content: "x".repeat(5001) });
    assertEquals(long.status, 422);
    assertStringIncludes(long.html, "x".repeat(5001), "what was typed is kept");
    const stranger = await eve.v.submit(`/messaging/${bob.id}`, `/messaging/${bob.id}`, { content: "hi" });
    assertEquals(stranger.status, 403);
    assertStringIncludes(stranger.html, "You can only message your connections.");
    const page = await eve.v.page(`/messaging/${bob.id}`);
    assertStringIncludes(page.html, "You can message your connections only.");
    assertNotIncludes(page.html, 'name="content"');
    const forged = await ada.v.post(`/messaging/${bob.id}`, { _csrf: "forged", content: "hi" });
    assertEquals(forged.status, 403);
    assertEquals((await ada.v.page("/messaging/999999")).status, 404);
    assertEquals((await ada.v.page(`/messaging/${ada.id}`)).status, 404);
    const visitor = new Visitor(t);
    const res = await visitor.page(`/messaging/${bob.id}`);
    assertEquals([res.status, res.res.headers.get("location")], [303, `/login?next=%2Fmessaging%2F${bob.id}`]);
  });
});
