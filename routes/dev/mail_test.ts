import { assertEquals, assertNotIncludes, assertStringIncludes } from "../../framework/testing/assert.ts";
import { createTestApp } from "../../tests/testing.ts";

Deno.test("[dev/mail] the outbox page is 404 outside development", async () => {
  const envs: Record<string, string>[] = [{ PROK_ENV: "test" }, {
    PROK_ENV: "production",
    PROK_SECRET: "s".repeat(40),
    PROK_ORIGIN: "https://prok.example",
  }];
  for (const env of envs) {
    const t = await createTestApp(env);
    try {
      await t.app.mail.send({ to: "a@example.com", subject: "Secret", text: "t", idempotencyKey: "k1" });
      const res = await t.fetch("/dev/mail");
      assertEquals(res.status, 404, env.PROK_ENV);
      assertNotIncludes(await res.text(), "Secret");
    } finally {
      await t.close();
    }
  }
});

Deno.test("[dev/mail] in development it lists the outbox newest first, escaped", async () => {
  const t = await createTestApp({ PROK_ENV: "development" });
  try {
    await t.app.mail.send({ to: "zoe@example.com", subject: "First", text: "one", idempotencyKey: "k1" });
    await t.app.mail.send({
      to: "bob@example.com",
      subject: "Second <b>bold</b> 🎉",
      text: "line 1\nline 2",
      idempotencyKey: "k2",
    });
    const res = await t.fetch("/dev/mail");
    assertEquals(res.status, 200);
    assertEquals(res.headers.get("cache-control"), "no-store");
    const html = await res.text();
    assertStringIncludes(html, "Second &lt;b>bold&lt;/b> 🎉");
    assertNotIncludes(html, "<b>bold");
    assertStringIncludes(html, "line 1\nline 2");
    assertStringIncludes(html, "bob@example.com");
    assertEquals(html.indexOf("Second") < html.indexOf("First"), true, "newest first");
  } finally {
    await t.close();
  }
});
