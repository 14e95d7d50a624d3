// The account pages in a real browser, with JavaScript on and off: join, sign out, sign in (by keyboard), edit the
// profile, see it, delete the account, and fail to sign in again. Fields are found by label, buttons by role.
import { assert, assertEquals, assertStringIncludes } from "$fresh/testing/assert.ts";
import type { Locator, Page } from "playwright-core";
import { createTestApp } from "../testing.ts";
import { browserTest } from "./harness.ts";

/** Presses Tab until `target` has the focus (a keyboard user's way there); fails if it is not reachable. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let i = 0; i < 25; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error("the field is not reachable with Tab");
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "JavaScript on" : "JavaScript off";
  browserTest(`[browser] an account from joining to deletion (${mode})`, async (kit) => {
    const t = await createTestApp();
    try {
      const { url } = await kit.serve(t.handler);
      const { page, issues } = await kit.newPage({ javaScriptEnabled });
      const email = `browser.${crypto.randomUUID().slice(0, 8)}@example.com`;
      const password = "a long and memorable passphrase";

      // Join.
      await page.goto(`${url}/`);
      await page.getByRole("link", { name: "Join now" }).click();
      await page.waitForURL(`${url}/register`);
      await page.getByLabel("First name").fill("Ada");
      await page.getByLabel("Last name").fill("Lovelace");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByLabel("I'm hiring").check();
      await page.getByRole("button", { name: "Create account" }).click();
      await page.waitForURL(/\/in\/[\w-]+$/);
      const profileUrl = page.url();
      assertEquals(await page.getByRole("heading", { level: 1 }).textContent(), "Ada Lovelace");
      assert(await page.getByText("Member since").isVisible());
      const cookies = await page.context().cookies();
      const access = cookies.find((c) => c.name === "prok_at");
      assert(access?.httpOnly && access.sameSite === "Lax", "the session cookie is HttpOnly and SameSite=Lax");

      // Sign out from the header.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(`${url}/`);
      assert(await page.getByRole("link", { name: "Join now" }).isVisible());
      assertEquals(await page.getByRole("button", { name: "Sign out" }).count(), 0);

      // Sign in, by keyboard only: Tab to the field, type, Enter to submit.
      await page.getByRole("link", { name: "Sign in" }).first().click();
      await page.waitForURL(`${url}/login`);
      await tabTo(page, page.getByLabel("Email"));
      await page.keyboard.type(email);
      await page.keyboard.press("Tab");
      assert(
        await page.getByLabel("Password").evaluate((el) => el === document.activeElement),
        "Tab reaches the password",
      );
      await page.keyboard.type(password);
      await page.keyboard.press("Enter");
      await page.waitForURL(profileUrl);

      // Edit the profile.
      await page.getByRole("link", { name: "Edit profile" }).click();
      await page.waitForURL(`${url}/settings`);
      assertEquals(await page.getByLabel("First name").inputValue(), "Ada");
      await page.getByLabel("Headline").fill("Engine analyst 🧮 & poet");
      await page.getByLabel("Location").fill("London");
      await page.getByLabel("About").fill("First line\nSecond <b>line</b>");
      await page.getByRole("button", { name: "Save profile" }).click();
      await page.waitForURL(`${url}/settings?saved=1`);
      assertEquals(await page.getByRole("status").textContent(), "Your profile was saved.");

      // See it on the profile, reached from the header.
      await page.getByRole("link", { name: /Your profile/ }).click();
      await page.waitForURL(profileUrl);
      assert(await page.getByText("Engine analyst 🧮 & poet").isVisible());
      assert(await page.getByText("London").isVisible());
      const about = await page.locator("#about + p").innerText();
      assertEquals(about, "First line\nSecond <b>line</b>");

      // Delete the account: the wrong word first, then the confirmation typed in.
      await page.getByRole("link", { name: "Settings" }).click();
      await page.waitForURL(`${url}/settings`);
      await page.getByLabel("Type DELETE to confirm").fill("delete");
      await page.getByRole("button", { name: "Delete my account" }).click();
      await page.waitForURL(`${url}/settings/delete`);
      assertStringIncludes(await page.getByRole("alert").innerText(), "The confirmation must be the word DELETE");
      assertEquals(await page.getByLabel("Type DELETE to confirm").getAttribute("aria-invalid"), "true");
      await page.getByLabel("Type DELETE to confirm").fill("DELETE");
      await page.getByRole("button", { name: "Delete my account" }).click();
      await page.waitForURL(`${url}/?deleted=1`);
      assertEquals(
        await page.getByRole("status").innerText(),
        "Your account was deleted. Thank you for being part of Prok.",
      );
      assert(await page.getByRole("link", { name: "Join now" }).isVisible());

      // Signing in again fails.
      await page.goto(`${url}/login`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("alert").waitFor();
      assertStringIncludes(await page.getByRole("alert").innerText(), "The email or password is incorrect.");
      assertEquals(await page.getByLabel("Email").inputValue(), email);
      assertEquals(await page.getByLabel("Password").inputValue(), "");
      assertEquals(page.url(), `${url}/login`);

      // Chromium logs every 4xx document as a console error: the two refusals above are meant, nothing else is.
      const meant = [
        `status of 422 (Unprocessable Entity) (${url}/settings/delete:0)`,
        `status of 401 (Unauthorized) (${url}/login:0)`,
      ];
      for (const m of meant) assert(issues.consoleErrors.some((e) => e.endsWith(m)), `expected a page answering ${m}`);
      issues.consoleErrors = issues.consoleErrors.filter((e) => !meant.some((m) => e.endsWith(m)));
      issues.assertNone();
    } finally {
      await t.close();
    }
  });
}
