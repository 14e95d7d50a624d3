// The fixture app in a real browser: islands hydrate under the nonce CSP, the same form works without JavaScript,
// props survive hostile strings, and pages without islands ship no script at all.
import { assert, assertEquals } from "$fresh/testing/assert.ts";
import { createHandler, type RequestHandler } from "$fresh/server.ts";
import manifest from "../fixtures/app/fresh.gen.ts";
import { HOSTILE } from "../fixtures/app/routes/index.tsx";
import { browserTest } from "./harness.ts";
import type { Page, Response as PwResponse } from "playwright-core";

let handler: Promise<RequestHandler> | null = null;
/** One handler per test module; the first call builds the fixture's islands if needed. */
function fixtureHandler(): Promise<RequestHandler> {
  return handler ??= createHandler(manifest);
}

const WHEN = "2026-01-02T03:04:05.000Z";

async function countText(page: Page): Promise<string | null> {
  return await page.locator("output[data-count]").textContent();
}

/** Opens `url` with JavaScript on and returns once every island form reports it runs in the browser. */
async function gotoHydrated(page: Page, url: string): Promise<PwResponse> {
  const res = await page.goto(url, { waitUntil: "load" });
  assertEquals(res?.status(), 200, url);
  await page.waitForFunction(() =>
    [...document.querySelectorAll("form[data-hydrated]")].every((f) => f.getAttribute("data-hydrated") === "yes")
  );
  return res!;
}

/** Waits until the counter shows `n` (signal updates may land a tick after the event). */
async function waitForCount(page: Page, n: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelector("output[data-count]")?.textContent === String(n), n);
}

browserTest("[browser] island hydrates and counts in place", async (kit) => {
  const { url } = await kit.serve(await fixtureHandler());
  const { page, issues } = await kit.newPage();

  const bundles: { url: string; status: number; cacheControl: string }[] = [];
  page.on("response", (res) => {
    if (new URL(res.url()).pathname.startsWith("/_frsh/js/")) {
      bundles.push({ url: res.url(), status: res.status(), cacheControl: res.headers()["cache-control"] ?? "" });
    }
  });
  const posts: string[] = [];
  page.on("request", (req) => {
    if (req.method() !== "GET") posts.push(`${req.method()} ${req.url()}`);
  });

  const res = await gotoHydrated(page, `${url}/`);
  assert(res.headers()["content-security-policy"]?.includes("'strict-dynamic'"), "the page has a nonce CSP");

  let navigations = 0;
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });

  const button = page.getByRole("button", { name: "Add one" });
  await button.click();
  await waitForCount(page, 4);
  await button.click();
  await waitForCount(page, 5);
  assertEquals(await countText(page), "5");
  assertEquals(await page.locator('input[name="count"]').inputValue(), "5");
  assertEquals(page.url(), `${url}/`, "clicking must not navigate");
  assertEquals(navigations, 0, "clicking must not navigate");
  assertEquals(posts, [], "clicking must not submit the form");

  // Hostile props arrive as text, not markup: no dialog, no extra script, exact string.
  assertEquals(await page.locator("[data-label]").textContent(), HOSTILE);
  assertEquals(await page.locator("time[data-when]").textContent(), WHEN);
  assertEquals(await page.evaluate(() => (globalThis as Record<string, unknown>).__pwned), undefined);
  assertEquals(await page.locator("script").count(), 2, "only the state script and the boot script");

  // The nonce on the boot script and modulepreloads must be enough under 'strict-dynamic'.
  issues.assertNone();

  const loaded = JSON.stringify(bundles.map((b) => b.url));
  assert(bundles.some((b) => b.url.endsWith("/framework/client/boot.js")), `boot.js not loaded: ${loaded}`);
  assert(bundles.some((b) => b.url.endsWith("/islands/Counter.js")), `Counter.js not loaded: ${loaded}`);
  for (const b of bundles) {
    assertEquals(b.status, 200, b.url);
    assert(b.cacheControl.includes("immutable"), `${b.url} cache-control: ${b.cacheControl}`);
  }
});

browserTest("[browser] hydrated islands see IS_BROWSER (data-hydrated becomes yes)", async (kit) => {
  const { url } = await kit.serve(await fixtureHandler());
  const { page, issues } = await kit.newPage();

  const served = await (await fetch(`${url}/`)).text();
  assert(served.includes('data-hydrated="no"'), "the server renders IS_BROWSER as false");
  await gotoHydrated(page, `${url}/`);
  // Fresh 1.x renders islands over the server HTML, so attributes that differ in the browser are patched.
  await page.locator('form[data-hydrated="yes"]').waitFor({ timeout: 3_000 });
  await page.getByRole("button", { name: "Add one" }).click();
  await waitForCount(page, 4);
  assertEquals(await page.locator("form").getAttribute("data-hydrated"), "yes");
  issues.assertNone();
});

browserTest("[browser] the same page works with JavaScript disabled", async (kit) => {
  const { url } = await kit.serve(await fixtureHandler());
  const { page, issues } = await kit.newPage({ javaScriptEnabled: false });

  await page.goto(`${url}/`);
  assertEquals(await page.locator("form").getAttribute("data-hydrated"), "no");
  assertEquals(await countText(page), "3");

  const button = page.getByRole("button", { name: "Add one" });
  await Promise.all([page.waitForURL(`${url}/?count=4`), button.click()]);
  assertEquals(await countText(page), "4");
  assertEquals(await page.locator("form").getAttribute("data-hydrated"), "no");

  await Promise.all([page.waitForURL(`${url}/?count=5`), button.click()]);
  assertEquals(await countText(page), "5");
  assertEquals(await page.locator("[data-label]").textContent(), HOSTILE);
  assertEquals(await page.locator("time[data-when]").textContent(), WHEN);
  issues.assertNone();
});

browserTest("[browser] the counter works from the keyboard", async (kit) => {
  const { url } = await kit.serve(await fixtureHandler());
  const { page, issues } = await kit.newPage();

  await gotoHydrated(page, `${url}/`);

  const button = page.getByRole("button", { name: "Add one" });
  let focused = false;
  for (let i = 0; i < 10 && !focused; i++) {
    await page.keyboard.press("Tab");
    focused = await button.evaluate((el) => el === document.activeElement);
  }
  assert(focused, "the button must be reachable with Tab");

  await page.keyboard.press("Enter");
  await waitForCount(page, 4);
  await page.keyboard.press("Space");
  await waitForCount(page, 5);
  assertEquals(page.url(), `${url}/`, "keyboard activation must not navigate");
  assert(await button.evaluate((el) => el === document.activeElement), "focus stays on the button");
  issues.assertNone();
});

browserTest("[browser] a page without islands ships no script", async (kit) => {
  const { url } = await kit.serve(await fixtureHandler());
  const { page, issues } = await kit.newPage();

  const res = await page.goto(`${url}/plain`);
  assertEquals(res?.status(), 200);
  const html = await res!.text();
  assert(!/<script/i.test(html), `unexpected <script> in ${html}`);
  assert(!/modulepreload/i.test(html), `unexpected modulepreload in ${html}`);
  assertEquals(await page.locator("script").count(), 0);
  assertEquals(await page.locator("p").textContent(), "No islands here.");
  issues.assertNone();
});

browserTest("[browser] an island's children stay server-rendered and islands inside them come alive", async (kit) => {
  const { url } = await kit.serve(await fixtureHandler());
  const { page, issues } = await kit.newPage();
  await gotoHydrated(page, `${url}/slots`);
  assertEquals(await page.locator("[data-server-text]").textContent(), "Rendered on the server");
  await page.getByRole("button", { name: "Panel (0)" }).click();
  await page.getByRole("button", { name: "Panel (1)" }).waitFor();
  // The counter inside the panel's slot is an island of its own, live after its parent re-rendered the slot.
  await page.getByRole("button", { name: "Add one" }).click();
  await waitForCount(page, 11);
  assertEquals(await page.locator("[data-server-text]").count(), 1, "the slot content is not duplicated");
  // Panel rendered inside the Outer island is a plain component of that island, and works as part of it.
  await page.getByRole("button", { name: "Outer (0)" }).click();
  await page.getByRole("button", { name: "Outer (1)" }).waitFor();
  assertEquals(page.url(), `${url}/slots`);
  issues.assertNone();
});
