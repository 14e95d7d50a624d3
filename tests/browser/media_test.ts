// Photos in a real browser: a profile picture from Settings and photos in the Composer, with JavaScript on (preview,
// progress, upload as picked) and off (plain multipart forms); then what a phone downloads for a feed of 20 posts with
// photos. The app's queue workers run, as in production.
import { MagickFormat } from "@imagemagick/magick-wasm";
import { assert, assertEquals, assertStringIncludes } from "$fresh/testing/assert.ts";
import type { Page } from "playwright-core";
import { photo as makePhoto, picture } from "../../services/media/test_images.ts";
import { call, signUp } from "../api_client.ts";
import { gzipSize, withWorkers } from "../testing.ts";
import { browserTest } from "./harness.ts";
import { joinByForm } from "./join.ts";

const dir = await Deno.makeTempDir({ prefix: "prok-photos-" });
const PHOTO = `${dir}/workshop.jpg`;
const SECOND = `${dir}/lathe.png`;
await Deno.writeFile(PHOTO, await picture(1600, 1200, MagickFormat.Jpeg));
await Deno.writeFile(SECOND, await picture(900, 900, MagickFormat.Png));
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));

function report(line: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`${line}\n`));
}

async function join(page: Page, url: string): Promise<void> {
  await joinByForm(page, url, { firstName: "Grace", lastName: "Hopper" });
}

/** The URL an <img> shows, once it has loaded (lazy or not). */
async function shown(page: Page, selector: string): Promise<string> {
  const img = page.locator(selector).first();
  await img.scrollIntoViewIfNeeded();
  await page.waitForFunction(
    (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
    await img.elementHandle(),
  );
  return await img.evaluate((el) => (el as HTMLImageElement).currentSrc);
}

for (const js of [true, false]) {
  browserTest(
    `[browser] photos with JavaScript ${js ? "on" : "off"}: a profile picture, then a post with two photos`,
    async (kit) => {
      await withWorkers(async (t) => {
        const { url } = await kit.serve(t.handler);
        const { page, issues } = await kit.newPage({ javaScriptEnabled: js });
        await join(page, url);

        await page.goto(`${url}/settings`);
        await page.getByLabel("New picture").setInputFiles(PHOTO);
        if (js) await page.getByAltText("Preview of your new picture").waitFor();
        await page.getByLabel("Describe it").fill("Grace at the workshop");
        await page.getByRole("button", { name: "Upload picture" }).click();
        await page.waitForURL(`${url}/settings?picture=saved`);
        assertStringIncludes(await page.getByRole("status").first().innerText().catch(() => ""), "");
        await page.getByText("Your picture was saved.").waitFor();
        const avatar = await shown(page, 'img[alt="Photo of Grace Hopper"]');
        assert(/\/media\/[0-9a-z]+-[0-9a-f]{16}-128\.webp$/.test(avatar), `96 px at 1x picks the 128 WebP: ${avatar}`);

        await page.goto(`${url}/feed`);
        if (js) {
          await page.getByText("Add photos", { exact: true }).waitFor();
          await page.locator("input[type=file][multiple]").setInputFiles([PHOTO, SECOND]);
          await page.getByRole("list", { name: "Photos for this post" }).getByRole("listitem").nth(1).waitFor();
          await page.waitForFunction(() => !document.querySelector("progress"));
          await page.getByLabel("Describe photo 1").fill("The workshop floor");
          await page.getByLabel("Share something with your network").fill("New tools in the workshop");
          await page.getByRole("button", { name: "Post", exact: true }).click();
          const card = page.getByRole("list", { name: "Your new posts" }).locator("article").first();
          await card.getByAltText("The workshop floor").waitFor();
          await page.reload();
        } else {
          await page.getByLabel("Share something with your network").fill("New tools in the workshop");
          await page.getByRole("button", { name: "Add photos" }).click();
          await page.waitForURL(`${url}/posts/new`);
          const text = page.getByLabel("Share something with your network");
          assertEquals(await text.inputValue(), "New tools in the workshop", "the typed text comes along");
          await page.getByRole("group", { name: "Photo 1" }).getByLabel("File").setInputFiles(PHOTO);
          await page.getByLabel("Describe photo 1").fill("The workshop floor");
          await page.getByRole("group", { name: "Photo 3" }).getByLabel("File").setInputFiles(SECOND);
          await page.getByRole("button", { name: "Post", exact: true }).click();
          await page.waitForURL(`${url}/feed`);
        }
        const article = page.locator("article", { hasText: "New tools in the workshop" }).first();
        const first = await shown(page, 'article img[alt="The workshop floor"]');
        assert(/\/media\/[^/]+\.webp$/.test(first), `the browser takes the WebP: ${first}`);
        assertEquals(await article.locator('picture img:not([alt=""])').count(), 2, "two photos beside the avatar");
        assertEquals(await article.getByAltText(/^Photo 2 of 2 shared by Grace Hopper/).count(), 1);
        issues.assertNone();
      });
    },
  );
}

browserTest(
  "[browser] a phone on a feed of 20 posts with photos downloads the first screen's pictures only",
  async (kit) => {
    await withWorkers(async (t) => {
      const member = await signUp(t, { password: "correct horse battery" });
      const photo = await makePhoto(1600, 1067) as Uint8Array<ArrayBuffer>;
      for (let i = 0; i < 20; i++) {
        const res = await t.fetch("/api/media?purpose=post", {
          method: "POST",
          headers: { authorization: `Bearer ${member.accessToken}`, "content-type": "image/jpeg" },
          body: photo,
        });
        const media = await res.json();
        assertEquals(res.status, 201, JSON.stringify(media));
        const content = `Post ${i + 1}: what we built this week, with a photo of the bench.`;
        assertEquals(
          (await call(t, "POST", "/api/posts", { content, mediaIds: [media.id] }, member.accessToken)).status,
          201,
        );
      }
      const { url } = await kit.serve(t.handler);
      const { page, issues } = await kit.newPage({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      });
      const loaded: { url: string; type: string; bytes: number }[] = [];
      page.on("requestfinished", async (req) => {
        const sizes = await req.sizes().catch(() => null);
        const res = await req.response();
        loaded.push({
          url: req.url(),
          type: res?.headers()["content-type"] ?? "",
          bytes: sizes?.responseBodySize ?? 0,
        });
      });
      await page.goto(`${url}/login`);
      await page.getByLabel("Email").fill(member.email);
      await page.getByLabel("Password").fill(member.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/in\/|\/feed/);
      loaded.length = 0;
      const feed = await page.goto(`${url}/feed`);
      await page.waitForLoadState("networkidle");
      const html = await feed!.text();
      const htmlGzip = await gzipSize(html);
      const images = loaded.filter((r) => new URL(r.url).pathname.startsWith("/media/"));
      const scripts = loaded.filter((r) => r.type.includes("javascript"));
      const imageBytes = images.reduce((n, r) => n + r.bytes, 0);
      // Straight to stderr: the app's logs (console included) are captured while the test runs.
      report(
        `[phone 390 px, 2x] /feed with 20 photo posts: HTML ${htmlGzip} B gzip (${html.length} B raw); ` +
          `${images.length} images, ${imageBytes} B (${
            images.map((r) => `${r.url.split("/").pop()} ${r.bytes} B`).join(", ")
          }); ` +
          `${scripts.length} scripts, ${scripts.reduce((n, r) => n + r.bytes, 0)} B`,
      );
      assertEquals((html.match(/<img[^>]* alt="Photo shared by /g) ?? []).length, 20, "every post shows its photo");
      assert(htmlGzip <= 30_000, `a 20-post feed is at most 30 KB compressed: ${htmlGzip}`);
      // Chromium loads lazy images within a screen or two of the viewport: the rest wait for the scroll.
      assert(images.length <= 5, `only the first screens' photos load: ${images.map((r) => r.url).join(", ")}`);
      for (const image of images) {
        assertEquals(image.type, "image/webp");
        assert(image.bytes <= 40_000, `${image.url}: ${image.bytes} B`);
      }
      // Scrolled to the end, every photo loads, each in its WebP at the width a 2x phone screen needs.
      for (const img of await page.locator('article picture img:not([alt=""])').all()) {
        await img.scrollIntoViewIfNeeded();
        await img.evaluate((el) => (el as HTMLImageElement).decode());
      }
      const widths = await page.$$eval(
        "article picture img",
        (imgs) => imgs.map((i) => (i as HTMLImageElement).currentSrc),
      );
      assert(
        widths.every((src) => /-960\.webp$/.test(src)),
        widths.join(", "),
      );
      issues.assertNone();
    }, { env: { PROK_RATE_LIMIT_FACTOR: "10" } });
  },
);
