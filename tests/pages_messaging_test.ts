// Messaging as a browser without JavaScript uses it: the conversation list, a thread with a plain form that posts
// and redirects, resubmission without a duplicate, and the refusals, through the real app.
import { assertEquals, assertNotIncludes, assertStringIncludes } from "../framework/testing/assert.ts";
import { type TestApp, withTestApp } from "./testing.ts";
import { joinAs, Visitor } from "./visitor.ts";
import { UNREAD_CAP } from "../services/notifications.ts";
import { newUser } from "../services/store/contract.ts";

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

Deno.test("[pages] opening a thread reads its message notification: the header counts it at once, and only once", async () => {
  await withTestApp(async (t) => {
    const ada = await joinAs(t, "Ada", "Bell");
    const bob = await joinAs(t, "Bob", "Bell");
    await connect(t, ada, bob);
    const bell = async (path: string) => Number(/"unread":(\d+)/.exec((await bob.v.page(path)).html)?.[1]);
    const send = (content: string) => t.app.store.createMessage({ senderId: ada.id, receiverId: bob.id, content });
    const quiet = await bell("/messaging");
    await send("one");
    await send("two");
    assertEquals(await bell("/messaging"), quiet + 1, "one notification per sender");
    assertEquals(await bell(`/messaging/${ada.id}`), quiet, "the thread's own page counts it read");
    assertEquals(await bell("/messaging"), quiet);
    assertEquals(await bell(`/messaging/${ada.id}`), quiet, "nothing left to read");

    // The notification read on its own first: opening the thread reads the message, and the count stays.
    await send("three");
    await t.app.store.markNotificationsRead(bob.id);
    assertEquals(await bell("/messaging"), 0);
    assertEquals(await bell(`/messaging/${ada.id}`), 0);
    assertEquals((await t.app.store.listConversations(bob.id, 1))[0].unreadCount, 0);
  });
});

Deno.test("[pages] past the header's cap, opening a thread counts the notifications again", async () => {
  await withTestApp(async (t) => {
    const bob = await joinAs(t, "Bob", "Cap");
    const senders = [];
    for (let i = 0; i <= UNREAD_CAP; i++) {
      const sender = await t.app.store.createUser(newUser(9000 + i));
      await t.app.store.createMessage({ senderId: sender.id, receiverId: bob.id, content: `hi ${i}` });
      senders.push(sender);
    }
    const bell = async (path: string) => Number(/"unread":(\d+)/.exec((await bob.v.page(path)).html)?.[1]);
    assertEquals(await bell("/messaging"), UNREAD_CAP, "counted up to the cap");
    // One of the cap + 1 is read: the cap is still the count, where the session's count less one would say cap - 1.
    assertEquals(await bell(`/messaging/${senders[0].id}`), UNREAD_CAP);
    assertEquals(await bell(`/messaging/${senders[1].id}`), UNREAD_CAP - 1);
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
