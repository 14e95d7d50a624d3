// Jobs in a real browser with JavaScript off: a recruiter joins, posts a job through the form (a mistake first,
// shown by its field), and a member finds it through /jobs filters and /search; the index worker runs on the queue.
import { assert, assertEquals } from "$fresh/testing/assert.ts";
import type { Page } from "playwright-core";
import { withWorkers } from "../testing.ts";
import { browserTest } from "./harness.ts";
import { joinByForm } from "./join.ts";

function join(page: Page, url: string, firstName: string, hiring: boolean): Promise<string> {
  return joinByForm(page, url, { firstName, lastName: "Jobs" }, { hiring });
}

browserTest(
  "[browser] a recruiter posts a job; a member finds it through /jobs and /search, JavaScript off",
  async (kit) => {
    await withWorkers(async (t) => {
      const { url } = await kit.serve(t.handler);
      const recruiter = await kit.newPage({ javaScriptEnabled: false });
      const member = await kit.newPage({ javaScriptEnabled: false });
      await join(recruiter.page, url, "Rita", true);
      await join(member.page, url, "Max", false);

      await recruiter.page.goto(`${url}/jobs`);
      await recruiter.page.getByRole("link", { name: "Post a job" }).click();
      await recruiter.page.getByLabel("Job title").fill("Zeppelin Navigation Engineer");
      await recruiter.page.getByRole("button", { name: "Post the job" }).click();
      assertEquals(await recruiter.page.locator("#description-error").textContent(), "Description must not be empty.");
      assertEquals(await recruiter.page.getByLabel("Job title").inputValue(), "Zeppelin Navigation Engineer");
      await recruiter.page.getByLabel("Description").fill("Chart routes over the Alps.\nSome travel.");
      await recruiter.page.getByLabel("Location", { exact: false }).first().fill("Friedrichshafen, Germany");
      await recruiter.page.getByLabel("Job type").selectOption("contract");
      await recruiter.page.getByRole("button", { name: "Post the job" }).click();
      await recruiter.page.waitForURL(/\/jobs\/[\w-]+$/);
      assert(await recruiter.page.getByRole("heading", { name: "Zeppelin Navigation Engineer" }).isVisible());

      // The member cannot post; they find it by filters, then by search.
      await member.page.goto(`${url}/jobs/new`);
      assert(await member.page.getByText("Only recruiters can post jobs.").isVisible());
      await member.page.goto(`${url}/jobs`);
      await member.page.getByLabel("Keywords").fill("zeppelin nav");
      await member.page.getByLabel("Location").fill("germany");
      await member.page.getByLabel("Job type").selectOption("contract");
      await member.page.getByRole("button", { name: "Find jobs" }).click();
      await member.page.getByRole("link", { name: "Zeppelin Navigation Engineer" }).waitFor();

      const deadline = Date.now() + 10_000;
      for (;;) {
        await member.page.goto(`${url}/feed`);
        await member.page.getByLabel("Search people, posts and jobs").fill("zeppelin");
        await member.page.getByLabel("Search people, posts and jobs").press("Enter");
        await member.page.waitForURL(/\/search\?q=zeppelin/);
        await member.page.getByRole("link", { name: "Jobs", exact: true }).last().click();
        if (await member.page.getByRole("link", { name: "Zeppelin Navigation Engineer" }).count()) break;
        assert(Date.now() < deadline, "the job never became searchable");
        await new Promise((r) => setTimeout(r, 200));
      }
      await member.page.getByRole("link", { name: "Zeppelin Navigation Engineer" }).click();
      assert(await member.page.getByText("Chart routes over the Alps.").isVisible());
      assertEquals(await member.page.getByRole("button", { name: "Delete this job" }).count(), 0);

      // The recruiter's profile lists it under "Jobs posted".
      await member.page.getByRole("link", { name: "Rita Jobs" }).click();
      assert(await member.page.getByRole("heading", { name: "Jobs posted" }).isVisible());
      assert(await member.page.getByRole("link", { name: "Zeppelin Navigation Engineer" }).isVisible());

      const meant = [
        `status of 422 (Unprocessable Entity) (${url}/jobs/new:0)`,
        `status of 403 (Forbidden) (${url}/jobs/new:0)`,
      ];
      for (const p of [recruiter, member]) {
        p.issues.consoleErrors = p.issues.consoleErrors.filter((e) => !meant.some((m) => e.endsWith(m)));
        p.issues.assertNone();
      }
    });
  },
);
