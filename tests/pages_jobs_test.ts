// The jobs pages and search as a browser without JavaScript uses them: the public board, posting and editing as
// plain forms with errors by the field, who may do what, and search tabs for visitors and members.
import { assert, assertEquals, assertStringIncludes } from "../framework/testing/assert.ts";
import { withTestApp } from "./testing.ts";
import { joinAs, Visitor } from "./visitor.ts";

const FORM = {
  title: "Staff Engineer, Storage",
  description: "Own the storage layer.\r\nOn call one week in six.",
  location: "Amsterdam",
  salaryRange: "",
  jobType: "full-time",
};

Deno.test("[pages] a recruiter posts and edits a job as plain forms; errors stay by their field", async () => {
  await withTestApp(async (t) => {
    const rita = await joinAs(t, "Rita", "Recruiter");
    await t.app.store.updateUser(rita.id, { role: "recruiter" });
    const bad = await rita.v.submit("/jobs/new", "/jobs/new", { ...FORM, title: "", jobType: "gig" });
    assertEquals(bad.status, 422);
    assertStringIncludes(bad.html, "Job title must not be empty.");
    assertStringIncludes(bad.html, "Job type must be full-time, part-time, contract or internship.");
    assertStringIncludes(bad.html, "Own the storage layer.", "what was typed is kept");
    const made = await rita.v.submit("/jobs/new", "/jobs/new", FORM);
    assertEquals(made.status, 303, made.html);
    const path = made.res.headers.get("location")!;
    const page = await new Visitor(t).page(path);
    assertEquals(page.status, 200, "public");
    assertStringIncludes(page.html, "Own the storage layer.\nOn call one week in six.");
    assert(!page.html.includes("Delete this job"), "visitors get no buttons");

    const edited = await rita.v.submit(`${path}/edit`, `${path}/edit`, { ...FORM, title: "Principal Engineer" });
    assertEquals([edited.status, edited.res.headers.get("location")], [303, path]);
    assertStringIncludes((await rita.v.page(path)).html, "Principal Engineer");

    const max = await joinAs(t, "Max", "Member");
    assertEquals((await max.v.page("/jobs/new")).status, 403);
    assertEquals((await max.v.page(`${path}/edit`)).status, 403);
    const refused = await max.v.submit(path, `${path}/delete`, {}, {});
    assertEquals(refused.status, 403);
    const visitor = await new Visitor(t).page("/jobs/new");
    assertEquals([visitor.status, visitor.res.headers.get("location")], [
      303,
      `/login?next=${encodeURIComponent("/jobs/new")}`,
    ]);

    const gone = await rita.v.submit(path, `${path}/delete`, {});
    assertEquals([gone.status, gone.res.headers.get("location")], [303, "/jobs"]);
    assertStringIncludes((await rita.v.page("/jobs")).html, "The job was deleted.");
    assertEquals((await rita.v.page(path)).status, 404);
  });
});

Deno.test("[pages] the board filters by a GET form; search asks visitors to sign in for people and posts", async () => {
  await withTestApp(async (t) => {
    const rita = await joinAs(t, "Rita", "Recruiter");
    await t.app.store.updateUser(rita.id, { role: "recruiter" });
    for (
      const [title, location, jobType] of [["Rust Engineer", "Berlin", "full-time"], [
        "Go Developer",
        "Lisbon",
        "contract",
      ]]
    ) {
      await rita.v.submit("/jobs/new", "/jobs/new", { ...FORM, title, location, jobType });
    }
    const visitor = new Visitor(t);
    const all = await visitor.page("/jobs");
    assertStringIncludes(all.html, "Rust Engineer");
    assertStringIncludes(all.html, "Go Developer");
    const filtered = await visitor.page("/jobs?q=&location=lisbon&jobType=contract");
    assertStringIncludes(filtered.html, "Go Developer");
    assert(!filtered.html.includes("Rust Engineer"));
    assertEquals((await visitor.page("/jobs?cursor=forged")).status, 422);

    const people = await visitor.page("/search?q=rita&type=people");
    assertStringIncludes(people.html, "to search people and posts");
    // Signed in, the visitor comes back to this search.
    assertStringIncludes(people.html, 'href="/login?next=%2Fsearch%3Fq%3Drita%26type%3Dpeople"');
    assertEquals((await visitor.page("/search?q=engineer&type=jobs")).status, 200);
    assertEquals((await rita.v.page("/search?q=rita&type=people&cursor=forged")).status, 422);
  });
});
