// Joining through the register form, as every browser test's members do.
import type { Page } from "playwright-core";

/** Registers a new member by the form (a fresh email each time) and resolves to their profile's path. */
export async function joinByForm(
  page: Page,
  url: string,
  name: { firstName: string; lastName: string },
  options: { hiring?: boolean } = {},
): Promise<string> {
  await page.goto(`${url}/register`);
  await page.getByLabel("First name").fill(name.firstName);
  await page.getByLabel("Last name").fill(name.lastName);
  await page.getByLabel("Email").fill(`${name.firstName.toLowerCase()}.${crypto.randomUUID().slice(0, 8)}@example.com`);
  await page.getByLabel("Password").fill("a long and memorable passphrase");
  if (options.hiring) await page.getByLabel("I'm hiring").check();
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/in\/[\w-]+$/);
  return new URL(page.url()).pathname;
}
