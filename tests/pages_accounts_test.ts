// The account pages as a browser without JavaScript uses them: plain form posts with the CSRF token scraped from the
// page and cookies sent back, through the real app.
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotIncludes,
  assertStringIncludes,
} from "../framework/testing/assert.ts";
import { MagickFormat } from "@imagemagick/magick-wasm";
import { REFRESH_GRACE_MS } from "../services/auth.ts";
import { picture } from "../services/media/test_images.ts";
import { type TestApp, withTestApp } from "./testing.ts";
import { csrfOf, forgeries, Visitor } from "./visitor.ts";

let n = 0;
function newcomer(extra: Record<string, string> = {}) {
  n++;
  return {
    firstName: "Ada",
    lastName: `Lovelace${n}`,
    email: `page${n}.${crypto.randomUUID().slice(0, 8)}@example.com`,
    password: "correct horse battery",
    ...extra,
  };
}

async function registered(t: TestApp, extra: Record<string, string> = {}) {
  const v = new Visitor(t);
  const person = newcomer(extra);
  const res = await v.submit("/register", "/register", person);
  assertEquals(res.status, 303, res.html);
  const id = res.res.headers.get("location")!.replace("/in/", "");
  return { v, person, id };
}

const userByEmail = (t: TestApp, email: string) => t.app.store.getUserByEmail(email.toLowerCase());

Deno.test("[pages] registering by form signs in with session cookies and lands on the new profile", async () => {
  await withTestApp(async (t) => {
    const v = new Visitor(t);
    const form = await v.page("/register");
    assertEquals(form.status, 200);
    assertEquals(form.res.headers.get("cache-control"), "no-store");
    for (const attr of ['autocomplete="given-name"', 'autocomplete="family-name"', 'autocomplete="email"']) {
      assertStringIncludes(form.html, attr);
    }
    assertStringIncludes(form.html, 'autocomplete="new-password"');
    assertMatch(form.html, /<label for="firstName"[^>]*>First name/);
    const first = form.html.match(/<input[^>]*id="firstName"[^>]*>/)?.[0] ?? "";
    assertStringIncludes(first, 'maxlength="100"');
    assertStringIncludes(first, "required");
    assert(v.cookies.has("prok_csrf"), "the form page gives the CSRF seed cookie");

    const person = newcomer({ hiring: "yes", firstName: "Zoë 🧑🏽‍💻" });
    const res = await v.post("/register", { _csrf: csrfOf(form.html), ...person });
    assertEquals(res.status, 303, res.html);
    const location = res.res.headers.get("location")!;
    assertMatch(location, /^\/in\/[\w-]+$/);
    const cookies = res.res.headers.getSetCookie();
    for (const name of ["prok_at", "prok_rt"]) {
      const c = cookies.find((c) => c.startsWith(`${name}=`));
      assert(c, `${name} is set`);
      assertStringIncludes(c, "HttpOnly");
      assertStringIncludes(c, "SameSite=Lax");
      assertStringIncludes(c, "Path=/");
      assertNotIncludes(c, "Secure"); // the test server is http
    }
    const user = await userByEmail(t, person.email);
    assertEquals([user?.role, user?.firstName], ["recruiter", "Zoë 🧑🏽‍💻"]);

    const profile = await v.page(location);
    assertEquals(profile.status, 200);
    assertMatch(profile.html, /<h1[^>]*>Zoë 🧑🏽‍💻 Lovelace\d+<\/h1>/);
    assertStringIncludes(profile.html, "Member since");
    assertStringIncludes(profile.html, 'href="/settings"');
    assertStringIncludes(profile.html, "Edit profile");
    assertStringIncludes(profile.html, "Sign out");
    assertNotIncludes(profile.html, "<img"); // initials, no image request
    assertStringIncludes(profile.html, ">ZL<");
  });
});

Deno.test("[pages] a plain member is not a recruiter; signed-in visitors of /login and /register go to their profile", async () => {
  await withTestApp(async (t) => {
    const { v, person, id } = await registered(t);
    assertEquals((await userByEmail(t, person.email))?.role, "member");
    for (const path of ["/login", "/register"]) {
      const res = await v.request(path);
      assertEquals(res.status, 303);
      assertEquals(res.headers.get("location"), `/in/${id}`);
    }
  });
});

Deno.test("[pages] a wrong password gets one message (401), the email kept and the password never echoed", async () => {
  await withTestApp(async (t) => {
    const { person } = await registered(t);
    const v = new Visitor(t);
    const res = await v.submit("/login", "/login", { email: person.email, password: "wrong password here" });
    assertEquals(res.status, 401);
    assertStringIncludes(res.html, "The email or password is incorrect.");
    assertMatch(res.html, /role="alert"/);
    assertStringIncludes(res.html, `value="${person.email}"`);
    assertNotIncludes(res.html, "wrong password here");
    assert(!v.cookies.has("prok_at"));

    const unknown = await v.submit("/login", "/login", { email: "nobody@example.com", password: "whatever123" });
    assertEquals(unknown.status, 401);
    assertStringIncludes(unknown.html, "The email or password is incorrect.");

    const ok = await v.submit("/login", "/login", { email: person.email.toUpperCase(), password: person.password });
    assertEquals(ok.status, 303);
    assert(v.cookies.has("prok_at") && v.cookies.has("prok_rt"));
  });
});

Deno.test("[pages] empty sign-in fields are a 422 next to each field and cost no attempt", async () => {
  await withTestApp(async (t) => {
    const v = new Visitor(t);
    const res = await v.submit("/login", "/login", { email: "", password: "" });
    assertEquals(res.status, 422);
    assertStringIncludes(res.html, "Email must not be empty.");
    assertStringIncludes(res.html, "Password must not be empty.");
    assertMatch(res.html, /id="email"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="email"/);
  });
});

Deno.test("[pages] repeated failed sign-ins are throttled with a 429 that says how long to wait", async () => {
  await withTestApp(async (t) => {
    const { person } = await registered(t);
    const v = new Visitor(t);
    let last = { status: 0, html: "", res: new Response() };
    for (let i = 0; i < 7 && last.status !== 429; i++) {
      last = await v.submit("/login", "/login", { email: person.email, password: `nope nope ${i}` });
    }
    assertEquals(last.status, 429);
    assertMatch(last.res.headers.get("retry-after")!, /^\d+$/);
    assertMatch(last.html, /Too many attempts\. Wait \d+ (second|minute)s? and try again\./);
    assertStringIncludes(last.html, `value="${person.email}"`);
  });
});

Deno.test("[pages] a form post without a valid CSRF token or from another site is refused (403) and changes nothing", async () => {
  await withTestApp(async (t) => {
    const v = new Visitor(t);
    const token = csrfOf((await v.page("/register")).html);
    for (const [what, extra, headers] of forgeries(token)) {
      const person = newcomer();
      const res = await v.post("/register", { ...person, ...extra }, headers);
      assertEquals(res.status, 403, what);
      assertStringIncludes(res.html, "nothing was changed", what);
      assertStringIncludes(res.html, `value="${person.email}"`, what);
      assertNotIncludes(res.html, person.password, what);
      csrfOf(res.html); // a fresh token to try again with
      assertEquals(await userByEmail(t, person.email), null, what);
    }
    // Without the seed cookie the token is worth nothing, even a real one.
    const stranger = new Visitor(t);
    const person = newcomer();
    assertEquals((await stranger.post("/register", { _csrf: token, ...person })).status, 403);
    assertEquals(await userByEmail(t, person.email), null);

    const { person: member } = await registered(t);
    const login = await new Visitor(t).post("/login", { email: member.email, password: member.password });
    assertEquals(login.status, 403, "sign-in needs the token too");
  });
});

Deno.test("[pages] invalid sign-up input is a 422 with each message by its field, input kept, password dropped", async () => {
  await withTestApp(async (t) => {
    const v = new Visitor(t);
    const res = await v.submit("/register", "/register", {
      firstName: "",
      lastName: "<script>alert(1)</script>",
      email: "not-an-email",
      password: "short77",
      hiring: "yes",
    });
    assertEquals(res.status, 422);
    assertMatch(res.html, /<div role="alert"/);
    assertStringIncludes(res.html, "First name must not be empty.");
    assertStringIncludes(res.html, "Password must be at least 8 characters.");
    assertStringIncludes(res.html, "Email must be an email address.");
    const summary = [...res.html.matchAll(/<li><a href="#(\w+)"/g)].map((m) => m[1]);
    assertEquals(summary, ["firstName", "email", "password"], "the summary follows the form's order");
    assertNotIncludes(res.html, "<script");
    for (const field of ["firstName", "email", "password"]) {
      const input = res.html.match(new RegExp(`<input[^>]*id="${field}"[^>]*>`))?.[0] ?? "";
      assertStringIncludes(input, 'aria-invalid="true"', field);
      assertStringIncludes(input, `${field}-error`, field);
      assertMatch(res.html, new RegExp(`<p id="${field}-error"`), field);
      assertMatch(res.html, new RegExp(`href="#${field}"`), field);
    }
    assertStringIncludes(res.html, 'value="not-an-email"');
    assertStringIncludes(res.html, 'value="&lt;script>alert(1)&lt;/script>"');
    assertNotIncludes(res.html, "<script>alert(1)");
    assertNotIncludes(res.html, "short77");
    assertMatch(res.html, /id="hiring"[^>]*checked|checked[^>]*id="hiring"/);
  });
});

Deno.test("[pages] a taken email is a 409 with the message next to the email field", async () => {
  await withTestApp(async (t) => {
    const { person } = await registered(t);
    const res = await new Visitor(t).submit("/register", "/register", newcomer({ email: person.email.toUpperCase() }));
    assertEquals(res.status, 409);
    assertMatch(res.html, /<p id="email-error"[^>]*>An account with this email already exists/);
  });
});

Deno.test("[pages] an oversized form gets a friendly 413 page; a body that is not a form a 400", async () => {
  await withTestApp(async (t) => {
    const v = new Visitor(t);
    const token = csrfOf((await v.page("/register")).html);
    const big = await v.post("/register", { _csrf: token, ...newcomer(), bio: "x".repeat(70 * 1024) });
    assertEquals(big.status, 413);
    assertStringIncludes(big.html, "The form is too large");
    assertStringIncludes(big.html, "<h1");
    const notForm = await v.request("/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assertEquals(notForm.status, 400);
    assertStringIncludes(await notForm.text(), "The form could not be read.");
  });
});

Deno.test("[pages] ?next= only ever leads to a same-site path; anything else goes to the profile", async () => {
  await withTestApp(async (t) => {
    const { person, id } = await registered(t);
    const hostile = [
      "//evil.com",
      "https://evil.com",
      "/\\evil.com",
      "\\\\evil.com",
      "/\t/evil.com",
      "javascript:alert(1)",
      "evil.com",
      "",
      "/.//evil.com/phish",
      "/x/..//evil.com",
      "/%2e//evil.com",
      "/%2f%2fevil.com",
      "/\n/evil.com",
    ];
    for (const next of hostile) {
      const v = new Visitor(t);
      const path = `/login?next=${encodeURIComponent(next)}`;
      const form = await v.page(path);
      assertNotIncludes(form.html, "evil.com", `${next}: not carried into the form`);
      const res = await v.post(path, { _csrf: csrfOf(form.html), email: person.email, password: person.password });
      assertEquals(res.status, 303, next);
      assertEquals(res.res.headers.get("location"), `/in/${id}`, next);
    }
    // Signed in, the forms send the visitor straight on: as sent in a link, unencoded, dot segments and all.
    const { v: member } = await registered(t);
    for (
      const path of [
        "/login?next=/.//evil.com/phish",
        "/register?next=/x/..//evil.com",
        "/login?next=/%2e//evil.com",
        "/login?next=/%252e//evil.com",
      ]
    ) {
      const res = await member.page(path);
      assertEquals(res.status, 303, path);
      assertMatch(res.res.headers.get("location")!, /^\/in\/[^/]/, path);
    }
    const v = new Visitor(t);
    const form = await v.page("/login?next=%2Fsettings%3Ftab%3D1");
    assertStringIncludes(form.html, 'action="/login?next=%2Fsettings%3Ftab%3D1"');
    const res = await v.post("/login?next=%2Fsettings%3Ftab%3D1", {
      _csrf: csrfOf(form.html),
      email: person.email,
      password: person.password,
    });
    assertEquals(res.res.headers.get("location"), "/settings?tab=1");
  });
});

Deno.test("[pages] profiles are for members; unknown ids are 404; only the owner sees Edit profile", async () => {
  await withTestApp(async (t) => {
    const { id } = await registered(t);
    const { v: other } = await registered(t, { firstName: "Grace" });

    const anonymous = await t.fetch(`/in/${id}`, { redirect: "manual" });
    assertEquals(anonymous.status, 303);
    assertEquals(anonymous.headers.get("location"), `/login?next=${encodeURIComponent(`/in/${id}`)}`);

    const seen = await other.page(`/in/${id}`);
    assertEquals(seen.status, 200);
    assertNotIncludes(seen.html, "Edit profile");
    assertNotIncludes(seen.html, "@example.com"); // no email on someone else's profile

    for (const bad of ["01ZZZZZZZZZZZZZZZZZZZZZZZZ", "x".repeat(200), "%00"]) {
      const res = await other.page(`/in/${bad}`);
      assertEquals(res.status, 404, bad);
      assertStringIncludes(res.html, "We can't find that page");
    }
  });
});

Deno.test("[pages] settings: signed out goes to sign-in; a valid edit is saved and shown; an invalid one is a 422", async () => {
  await withTestApp(async (t) => {
    const signedOut = await t.fetch("/settings", { redirect: "manual" });
    assertEquals(signedOut.status, 303);
    assertEquals(signedOut.headers.get("location"), `/login?next=${encodeURIComponent("/settings")}`);

    const { v, id } = await registered(t);
    const page = await v.page("/settings");
    assertEquals(page.status, 200);
    assertStringIncludes(page.html, 'action="/settings/delete"');

    const edit = {
      firstName: "Ada",
      lastName: "King",
      headline: "Analyst 🧮 of engines",
      location: "London",
      bio: "First line\r\nSecond <b>line</b>",
    };
    const saved = await v.post("/settings", { _csrf: csrfOf(page.html), ...edit });
    assertEquals(saved.status, 303, saved.html);
    assertEquals(saved.res.headers.get("location"), "/settings?saved=1");
    const after = await v.page("/settings?saved=1");
    assertStringIncludes(after.html, "Your profile was saved.");
    assertStringIncludes(after.html, 'value="Analyst 🧮 of engines"');

    const profile = await v.page(`/in/${id}`);
    assertStringIncludes(profile.html, "Analyst 🧮 of engines");
    assertStringIncludes(profile.html, "First line\nSecond &lt;b>line&lt;/b>");

    const bad = await v.post("/settings", {
      _csrf: csrfOf(page.html),
      ...edit,
      firstName: "",
      headline: "<b>kept</b>",
      bio: "x".repeat(2601),
    });
    assertEquals(bad.status, 422);
    assertStringIncludes(bad.html, "First name must not be empty.");
    assertStringIncludes(bad.html, "About must be at most 2,600 characters.");
    assertStringIncludes(bad.html, 'value="&lt;b>kept&lt;/b>"');
    assertEquals((await t.app.store.getUser(id))?.lastName, "King", "nothing changed");

    const forged = await v.post("/settings", { ...edit, lastName: "Forged" }, { origin: "https://evil.example" });
    assertEquals(forged.status, 403);
    assertEquals((await t.app.store.getUser(id))?.lastName, "King");
  });
});

Deno.test("[pages] settings picture without JavaScript: upload, shown in sizes, replaced, removed; bad files refused", async () => {
  await withTestApp(async (t) => {
    const { v, id } = await registered(t);
    const send = async (fields: Record<string, string | Blob>) => {
      const form = new FormData();
      form.set("_csrf", csrfOf((await v.page("/settings")).html));
      for (const [k, value] of Object.entries(fields)) form.set(k, value);
      return await v.postForm("/settings/picture", form);
    };
    const photo = new Blob([await picture(600, 400, MagickFormat.Jpeg) as Uint8Array<ArrayBuffer>]);
    const done = await send({ picture: new File([photo], "me.jpg"), alt: "Me at the lathe" });
    assertEquals(done.status, 303, done.html);
    assertEquals(done.res.headers.get("location"), "/settings?picture=saved");
    assertStringIncludes((await v.page("/settings?picture=saved")).html, "Your picture was saved.");
    const url = (await t.app.store.getUser(id))!.profilePictureUrl!;
    assertMatch(url, /^\/media\/[0-9a-z]+-[0-9a-f]{16}-256\.jpg$/);

    const profile = (await v.page(`/in/${id}`)).html;
    const img = profile.match(/<img[^>]*>/)![0];
    for (const attr of ['width="96"', 'height="96"', 'alt="Photo of Ada ', 'sizes="96px"', " 64w", " 256w"]) {
      assertStringIncludes(img, attr);
    }
    assertMatch(
      profile,
      /<source type="image\/webp" srcset="[^"]+-64\.webp 64w, [^"]+-128\.webp 128w, [^"]+-256\.webp 256w"/,
    );
    assertEquals((await t.fetch(url)).status, 200);

    const svg = new File(['<svg xmlns="http://www.w3.org/2000/svg"/>'], "me.png", { type: "image/png" });
    const refused = await send({ picture: svg });
    assertEquals(refused.status, 415);
    assertStringIncludes(refused.html, "Upload a JPEG, PNG, WebP, AVIF or GIF image.");
    const none = await send({ picture: new File([], "") });
    assertEquals(none.status, 422);
    assertStringIncludes(none.html, "The picture was not chosen.");
    assertEquals((await t.app.store.getUser(id))!.profilePictureUrl, url, "nothing changed");

    await send({ picture: new File([photo], "again.jpg") });
    const replaced = (await t.app.store.getUser(id))!.profilePictureUrl!;
    assert(replaced !== url);
    assertEquals((await t.fetch(url)).status, 404, "the old picture's files are gone");

    const removed = await send({ remove: "1" });
    assertEquals(removed.status, 303);
    assertEquals((await t.app.store.getUser(id))!.profilePictureUrl, null);
    assertEquals((await t.fetch(replaced)).status, 404);
  });
});

Deno.test("[pages] deleting the account needs the typed confirmation; then it is gone and cannot sign in", async () => {
  await withTestApp(async (t) => {
    const { v, person, id } = await registered(t);
    const wrong = await v.submit("/settings", "/settings/delete", { confirm: "delete" });
    assertEquals(wrong.status, 422);
    assertStringIncludes(wrong.html, "The confirmation must be the word DELETE");
    assertMatch(wrong.html, /<input[^>]*id="confirm"[^>]*aria-invalid="true"/);
    assert(await t.app.store.getUser(id), "still there");

    const done = await v.submit("/settings", "/settings/delete", { confirm: "DELETE" });
    assertEquals(done.status, 303);
    assertEquals(done.res.headers.get("location"), "/?deleted=1");
    assert(!v.cookies.has("prok_at") && !v.cookies.has("prok_rt"), "session cookies cleared");
    assertEquals(await t.app.store.getUser(id), null);
    assertStringIncludes((await v.page("/?deleted=1")).html, "Your account was deleted.");

    const again = await new Visitor(t).submit("/login", "/login", { email: person.email, password: person.password });
    assertEquals(again.status, 401);

    // The email works as a confirmation too.
    const second = await registered(t);
    const byEmail = await second.v.submit("/settings", "/settings/delete", { confirm: second.person.email });
    assertEquals(byEmail.status, 303);
    assertEquals(await t.app.store.getUser(second.id), null);
  });
});

Deno.test("[pages] signing out revokes the session at once and clears the cookies", async () => {
  await withTestApp(async (t) => {
    const { v } = await registered(t);
    const stolen = new Map(v.cookies);
    const page = await v.page("/settings");
    const refused = await v.post("/logout", { _csrf: "nope" });
    assertEquals(refused.status, 403);
    assertStringIncludes(refused.html, "Sign out");

    const res = await v.post("/logout", { _csrf: csrfOf(page.html) });
    assertEquals(res.status, 303);
    assertEquals(res.res.headers.get("location"), "/");
    assert(!v.cookies.has("prok_at") && !v.cookies.has("prok_rt"));

    const replay = new Visitor(t);
    replay.cookies = stolen;
    const settings = await replay.request("/settings");
    assertEquals(settings.status, 303, "the old cookies no longer sign anyone in");
    const home = await v.page("/");
    assertStringIncludes(home.html, "Join now");
    assertNotIncludes(home.html, "Sign out");
  });
});

Deno.test("[pages] a web session refreshes itself when its access cookie is gone; a replayed refresh cookie is not", async () => {
  await withTestApp(async (t) => {
    const { v, person } = await registered(t);
    const oldRefresh = v.cookies.get("prok_rt")!;
    v.cookies.delete("prok_at"); // as after its 15 minutes
    const page = await v.page("/settings");
    assertEquals(page.status, 200, "still signed in");
    assertStringIncludes(page.html, person.lastName);
    assert(v.cookies.get("prok_at"), "a new access cookie");
    assert(v.cookies.get("prok_rt") && v.cookies.get("prok_rt") !== oldRefresh, "a rotated refresh cookie");

    // Past the grace that lets two page loads refresh at once (the next test), a replay is theft.
    const start = Date.now();
    t.app.now = () => start + REFRESH_GRACE_MS + 1_000;
    const thief = new Visitor(t);
    thief.cookies.set("prok_rt", oldRefresh);
    const stolen = await thief.page("/settings");
    assertEquals(stolen.status, 303, "the replayed cookie signs nobody in");
    assertEquals(thief.cookies.has("prok_rt"), false, "and is cleared");
    v.cookies.delete("prok_at");
    assertEquals((await v.page("/settings")).status, 303, "the replay revoked the whole family");
  });
});

Deno.test("[pages] two page loads at once after the access cookie expired keep the member signed in", async () => {
  await withTestApp(async (t) => {
    const { v, person } = await registered(t);
    v.cookies.delete("prok_at");
    const pages = await Promise.all([v.page("/settings"), v.page("/settings")]);
    assertEquals(pages.map((p) => p.status), [200, 200]);
    v.cookies.delete("prok_at");
    const later = await v.page("/settings");
    assertEquals(later.status, 200, "the refresh cookie either load left is live");
    assertStringIncludes(later.html, person.lastName);
  });
});

Deno.test("[pages] text no store can keep as sent, invisible names and broken query strings get friendly 4xx pages", async () => {
  await withTestApp(async (t) => {
    const v = new Visitor(t);
    const noncharacter = await v.submit("/register", "/register", newcomer({ firstName: "Ada\ufffe" }));
    assertEquals(noncharacter.status, 422);
    assertStringIncludes(noncharacter.html, "First name must not contain unpaired surrogates or non-characters");
    const invisible = await v.submit("/register", "/register", newcomer({ lastName: "\u202e\u200b\u3164" }));
    assertEquals(invisible.status, 422);
    assertStringIncludes(invisible.html, "Last name must have a visible character.");
    const blank = await v.submit("/register", "/register", newcomer({ firstName: "   " }));
    assertEquals(blank.status, 422);
    assertStringIncludes(blank.html, "First name must have a visible character.");

    // A JSON body decodes "\ud800" to a lone surrogate; a form page does not read JSON, and says so.
    const form = await v.page("/register");
    const json = await v.request("/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ _csrf: csrfOf(form.html), ...newcomer({ firstName: "\ud800" }) }),
    });
    assertEquals(json.status, 400);
    assertStringIncludes(await json.text(), "The form could not be read.");

    const { v: member, id } = await registered(t);
    const settings = await member.page("/settings");
    const edit = await member.post("/settings", {
      _csrf: csrfOf(settings.html),
      firstName: "Ada",
      lastName: "\u2066\u2069",
      headline: "x\ufdd0",
      location: "",
      bio: "",
      profilePictureUrl: "",
    });
    assertEquals(edit.status, 422);
    assertStringIncludes(edit.html, "Last name must have a visible character.");
    assertStringIncludes(edit.html, "must not contain unpaired surrogates or non-characters");
    assertEquals((await t.app.store.getUser(id))?.headline, "", "nothing changed");

    for (const path of ["/jobs?q=%zz", "/search?q=100%", "/feed?cursor=%E0%A4%A"]) {
      const res = await member.page(path);
      assertEquals(res.status, 400, path);
      assertStringIncludes(res.html, "That address is not quite right", path);
    }
    assertEquals((await member.page("/jobs?q=100%25")).status, 200);
  });
});
