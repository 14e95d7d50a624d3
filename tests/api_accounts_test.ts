// API.md "Auth" and "Users", row by row, with the failure rows and hostile input, through the real app.
import { SignJWT } from "jose";
import {
  assert,
  assertEquals,
  assertMatch,
  assertNotIncludes,
  assertStringIncludes,
} from "../framework/testing/assert.ts";
import { REFRESH_GRACE_MS } from "../services/auth.ts";
import { deriveKeys } from "../services/secrets.ts";
import { assertProblem, call, type Json, person, postWithoutBody, signUp } from "./api_client.ts";
import type { RedisRateLimiter } from "../services/ratelimit/redis.ts";
import { requireServer } from "../services/testing.ts";
import { withTestApp } from "./testing.ts";

Deno.test("[api] register answers 201 with the member, a token pair and a location; never the hash", async () => {
  await withTestApp(async (t) => {
    const body = person({ firstName: "Zoë 🧑🏽‍💻", role: "recruiter" });
    const res = await call(t, "POST", "/api/auth/register", body);
    assertEquals(res.status, 201);
    const user = res.json.user as Json;
    assertEquals(res.headers.get("location"), `/api/users/${user.id}`);
    assertEquals([user.email, user.firstName, user.role, user.connection], [body.email, "Zoë 🧑🏽‍💻", "recruiter", null]);
    assertEquals(res.json.expiresIn, 900);
    assertMatch(res.json.accessToken as string, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert((res.json.refreshToken as string).length >= 40);
    assertNotIncludes(res.text, "$2b$");
    assertNotIncludes(res.text, "passwordHash");
  });
});

Deno.test("[api] an email is taken in any letter case (409)", async () => {
  await withTestApp(async (t) => {
    const first = await signUp(t);
    const res = await call(t, "POST", "/api/auth/register", person({ email: first.email.toUpperCase() }));
    assertProblem(res, 409);
  });
});

Deno.test("[api] hostile and malformed sign-up bodies get clear 4xx answers and change nothing", async () => {
  await withTestApp(async (t) => {
    const cases: [unknown, number, string?][] = [
      [{ ...person(), extra: 1 }, 422, "extra"],
      [JSON.parse(`{"__proto__": {"admin": true}, ${JSON.stringify(person()).slice(1)}`), 422, "__proto__"],
      [{ ...person(), constructor: { prototype: {} } }, 422, "constructor"],
      [{ ...person(), role: "admin" }, 422, "role"],
      [{ ...person(), email: 42 }, 422, "email"],
      [{ ...person(), email: "not-an-email" }, 422, "email"],
      [{ ...person(), password: "short" }, 422, "password"],
      [{ ...person(), password: "x".repeat(257) }, 422, "password"],
      [{ ...person(), firstName: "" }, 422, "firstName"],
      [{ ...person(), firstName: "x".repeat(101) }, 422, "firstName"],
      [{ ...person(), lastName: "Nul\u0000Byte" }, 422, "lastName"],
      [{ ...person(), firstName: ["Ada"] }, 422, "firstName"],
      [[person()], 422],
      [null, 422],
    ];
    for (const [body, status, field] of cases) {
      const res = await call(t, "POST", "/api/auth/register", body);
      assertProblem(res, status);
      if (field) {
        const errors = res.json.errors as { path: string }[];
        assert(errors.some((e) => e.path.startsWith(field)), `${field} named in ${JSON.stringify(errors)}`);
      }
    }
    assertProblem(await call(t, "POST", "/api/auth/register", "{not json"), 400);
    assertProblem(
      await call(t, "POST", "/api/auth/register", JSON.stringify(person()), undefined, {
        "content-type": "text/plain",
      }),
      415,
    );
    const huge = JSON.stringify({ ...person(), bio: "x".repeat(10 * 1024 * 1024) });
    assertProblem(await call(t, "POST", "/api/auth/register", huge), 413);
    const deep = "[".repeat(50) + "]".repeat(50);
    assertProblem(await call(t, "POST", "/api/auth/register", deep), 422);
    assertEquals((await t.app.store.listUsers({ limit: 10 })).items.length, 0, "nothing was created");
  });
});

Deno.test("[api] login: wrong password and unknown email get the same 401", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const ok = await call(t, "POST", "/api/auth/login", { email: a.email.toUpperCase(), password: a.password });
    assertEquals(ok.status, 200);
    assertEquals((ok.json.user as Json).id, a.user.id);
    const wrong = await call(t, "POST", "/api/auth/login", { email: a.email, password: "wrong password!" });
    const unknown = await call(t, "POST", "/api/auth/login", {
      email: "nobody@example.com",
      password: "wrong password!",
    });
    assertProblem(wrong, 401);
    assertProblem(unknown, 401);
    assertEquals(wrong.text, unknown.text);
    assertEquals(wrong.headers.get("www-authenticate"), unknown.headers.get("www-authenticate"));
    assertMatch(wrong.headers.get("www-authenticate")!, /^Bearer/);
  });
});

Deno.test("[api] passwords longer than bcrypt's 72 bytes are compared in full", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t, { password: "p".repeat(72) + "A" });
    const other = await call(t, "POST", "/api/auth/login", { email: a.email, password: "p".repeat(72) + "B" });
    assertProblem(other, 401);
    assertEquals((await call(t, "POST", "/api/auth/login", { email: a.email, password: a.password })).status, 200);
  });
});

Deno.test("[api] five failed sign-ins lock the account with retry-after; other accounts are unaffected", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const b = await signUp(t);
    for (let i = 0; i < 5; i++) {
      assertProblem(await call(t, "POST", "/api/auth/login", { email: a.email, password: "wrong password!" }), 401);
    }
    const locked = await call(t, "POST", "/api/auth/login", { email: a.email, password: a.password });
    assertProblem(locked, 429);
    assert(Number(locked.headers.get("retry-after")) >= 1);
    assertEquals((await call(t, "POST", "/api/auth/login", { email: a.email, password: a.password })).status, 429);
    assertEquals((await call(t, "POST", "/api/auth/login", { email: b.email, password: b.password })).status, 200);
  });
});

const from = (ip: string) => ({ "x-forwarded-for": ip });
const behindProxy = { env: { PROK_TRUSTED_PROXIES: "127.0.0.1" } };

Deno.test("[api] failed sign-ins lock the account for the guessing address only; the member signs in elsewhere", async () => {
  await withTestApp(async (t) => {
    const victim = await signUp(t);
    const wrong = { email: victim.email, password: "wrong password!" };
    for (let i = 0; i < 8; i++) await call(t, "POST", "/api/auth/login", wrong, undefined, from("203.0.113.9"));
    const good = { email: victim.email, password: victim.password };
    assertProblem(await call(t, "POST", "/api/auth/login", good, undefined, from("203.0.113.9")), 429);
    assertEquals((await call(t, "POST", "/api/auth/login", good, undefined, from("198.51.100.7"))).status, 200);
    // The email in another letter case is the same account, locked for that same address.
    const shouted = { email: victim.email.toUpperCase(), password: victim.password };
    assertProblem(await call(t, "POST", "/api/auth/login", shouted, undefined, from("203.0.113.9")), 429);
  }, behindProxy);
});

Deno.test("[api] the per-account ceiling stops a guesser spread over many addresses", async () => {
  await withTestApp(async (t) => {
    const victim = await signUp(t);
    const wrong = { email: victim.email, password: "wrong password!" };
    // 100 * 0.05 = 5 failures per account per hour from all addresses together; one address never gets locked.
    for (let i = 0; i < 5; i++) {
      assertProblem(await call(t, "POST", "/api/auth/login", wrong, undefined, from(`203.0.113.${i}`)), 401);
    }
    const spread = await call(t, "POST", "/api/auth/login", wrong, undefined, from("203.0.113.200"));
    assertProblem(spread, 429);
    assert(Number(spread.headers.get("retry-after")) > 60, "the ceiling holds for the rest of the hour");
    const good = { email: victim.email, password: victim.password };
    assertProblem(await call(t, "POST", "/api/auth/login", good, undefined, from("198.51.100.7")), 429);
  }, { env: { PROK_TRUSTED_PROXIES: "127.0.0.1", PROK_RATE_LIMIT_FACTOR: "0.05" } });
});

Deno.test("[api] each client address has a budget of sign-in attempts and registrations", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t); // 20 * 0.05 = 1 registration allowed per address
    assertProblem(await call(t, "POST", "/api/auth/register", person()), 429);
    for (let i = 0; i < 5; i++) { // 100 * 0.05 = 5 attempts per address
      assertEquals((await call(t, "POST", "/api/auth/login", { email: a.email, password: a.password })).status, 200);
    }
    const limited = await call(t, "POST", "/api/auth/login", { email: a.email, password: a.password });
    assertProblem(limited, 429);
    assert(Number(limited.headers.get("retry-after")) > 0);
  }, { env: { PROK_RATE_LIMIT_FACTOR: "0.05" } });
});

Deno.test("[api] refresh rotates; a rotated token replayed after the grace revokes the whole family", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const first = await call(t, "POST", "/api/auth/refresh-token", { refreshToken: a.refreshToken });
    assertEquals(first.status, 200);
    assert(first.json.refreshToken !== a.refreshToken);
    const newAccess = first.json.accessToken as string;
    assertEquals((await call(t, "GET", "/api/users/me", undefined, newAccess)).status, 200);
    const start = Date.now();
    t.app.now = () => start + REFRESH_GRACE_MS + 1_000;
    assertProblem(await call(t, "POST", "/api/auth/refresh-token", { refreshToken: a.refreshToken }), 401);
    assertProblem(await call(t, "POST", "/api/auth/refresh-token", { refreshToken: first.json.refreshToken }), 401);
    assertProblem(await call(t, "GET", "/api/users/me", undefined, newAccess), 401);
    assertProblem(await call(t, "POST", "/api/auth/refresh-token", { refreshToken: "made-up" }), 401);
    assertProblem(await call(t, "POST", "/api/auth/refresh-token", {}), 401);
  });
});

Deno.test("[api] two racing refreshes with one token both get the same pair; the member stays signed in", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const results = await Promise.all(
      [1, 2].map(() => call(t, "POST", "/api/auth/refresh-token", { refreshToken: a.refreshToken })),
    );
    assertEquals(results.map((r) => r.status), [200, 200]);
    assertEquals(results[0].json.refreshToken, results[1].json.refreshToken, "one family, one live token");
    for (const r of results) {
      assertEquals((await call(t, "GET", "/api/users/me", undefined, r.json.accessToken as string)).status, 200);
    }
    // Within the grace a third presentation is still the same successor, not reuse.
    const again = await call(t, "POST", "/api/auth/refresh-token", { refreshToken: a.refreshToken });
    assertEquals([again.status, again.json.refreshToken], [200, results[0].json.refreshToken]);
    const next = await call(t, "POST", "/api/auth/refresh-token", { refreshToken: results[0].json.refreshToken });
    assertEquals(next.status, 200);
    assertEquals((await call(t, "GET", "/api/users/me", undefined, next.json.accessToken as string)).status, 200);
    // Its grandparent is no successor of the live token: reuse, even inside the grace.
    assertProblem(await call(t, "POST", "/api/auth/refresh-token", { refreshToken: a.refreshToken }), 401);
    assertProblem(await call(t, "GET", "/api/users/me", undefined, next.json.accessToken as string), 401);
  });
});

Deno.test("[api] logout cuts the access token and the refresh token at once", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const res = await call(t, "POST", "/api/auth/logout", {}, a.accessToken);
    assertEquals(res.status, 204);
    assertProblem(await call(t, "GET", "/api/users/me", undefined, a.accessToken), 401);
    assertProblem(await call(t, "POST", "/api/auth/refresh-token", { refreshToken: a.refreshToken }), 401);
    assertProblem(await call(t, "POST", "/api/auth/logout", {}), 401);
    const b = await signUp(t);
    assertEquals((await call(t, "POST", "/api/auth/logout", { refreshToken: b.refreshToken })).status, 204);
    assertProblem(await call(t, "GET", "/api/users/me", undefined, b.accessToken), 401);
  });
});

Deno.test("[api] logout without a body (no content-type, no length) is 204 and ends the session", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const res = await postWithoutBody(t, "/api/auth/logout", a.accessToken);
    assertEquals(res.status, 204, res.text);
    assertProblem(await call(t, "GET", "/api/users/me", undefined, a.accessToken), 401);
    assertProblem(await call(t, "POST", "/api/auth/refresh-token", { refreshToken: a.refreshToken }), 401);
    assertProblem(await postWithoutBody(t, "/api/auth/logout"), 401);
    // A body that is there but not JSON is still refused, and the session lives on.
    const b = await signUp(t);
    const typed = { "content-type": "text/plain" };
    assertProblem(await call(t, "POST", "/api/auth/logout", "refreshToken=x", b.accessToken, typed), 415);
    assertEquals((await call(t, "GET", "/api/users/me", undefined, b.accessToken)).status, 200);
    // An empty body where fields are required names them (422), rather than blaming the content type.
    const empty = await postWithoutBody(t, "/api/auth/login");
    assertProblem(empty, 422);
    assertEquals((empty.json.errors as { path: string }[]).map((e) => e.path).sort(), ["email", "password"]);
    const paths = (await call(t, "GET", "/api/openapi.json")).json.paths as Record<string, Record<string, Json>>;
    const required = (path: string) => (paths[path].post.requestBody as Json).required;
    assertEquals([required("/api/auth/logout"), required("/api/auth/login")], [false, true]);
  });
});

Deno.test("[api] forged, expired and foreign tokens are refused", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const [header, payload] = a.accessToken.split(".");
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const otherKey = (await deriveKeys("another secret entirely, 32+ chars")).jwt;
    const sign = (c: Json, key = otherKey, typ = "at+jwt") =>
      new SignJWT(c).setProtectedHeader({ alg: "HS256", typ }).sign(key);
    const forged = [
      `${b64({ alg: "none", typ: "at+jwt" })}.${payload}.`,
      `${b64({ alg: "none" })}.${b64({ ...claims, sub: "1" })}.`,
      `${header}.${b64({ ...claims, exp: claims.exp + 3600 })}.${a.accessToken.split(".")[2]}`,
      await sign(claims),
      `${header}.${payload}.AAAA`,
      "not.a.jwt",
      "x".repeat(5000),
    ];
    for (const token of forged) assertProblem(await call(t, "GET", "/api/users/me", undefined, token), 401);
    const noSession = await call(t, "GET", "/api/users/me", undefined, "");
    assertProblem(noSession, 401);
  });
});

Deno.test("[api] members list newest first with a tamper-checked cursor; limits are enforced", async () => {
  await withTestApp(async (t) => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await signUp(t, { firstName: i % 2 ? "Grace" : "Alan" }));
    const token = made[0].accessToken;
    assertProblem(await call(t, "GET", "/api/users"), 401);
    const first = await call(t, "GET", "/api/users?limit=2", undefined, token);
    assertEquals(first.status, 200);
    const items = first.json.items as Json[];
    assertEquals(items.map((u) => u.id), [made[4].user.id, made[3].user.id]);
    assertEquals(Object.keys(items[0]).sort(), ["firstName", "headline", "id", "lastName", "profilePictureUrl"]);
    const second = await call(t, "GET", `/api/users?limit=2&cursor=${first.json.nextCursor}`, undefined, token);
    assertEquals((second.json.items as Json[]).map((u) => u.id), [made[2].user.id, made[1].user.id]);
    const grace = await call(t, "GET", "/api/users?q=grace", undefined, token);
    assertEquals((grace.json.items as Json[]).length, 2);
    const cursor = first.json.nextCursor as string;
    for (const bad of [cursor.slice(0, -2) + "AA", "garbage", `${cursor}x`]) {
      assertProblem(await call(t, "GET", `/api/users?cursor=${encodeURIComponent(bad)}`, undefined, token), 422);
    }
    for (const q of ["limit=0", "limit=101", "limit=abc", "limit=1.5", "sort=asc", "limit=1&limit=2"]) {
      assertProblem(await call(t, "GET", `/api/users?${q}`, undefined, token), 422);
    }
  });
});

Deno.test("[api] profiles: anyone signed in reads, only the member edits; mass assignment is 422", async () => {
  const lines = await withTestApp(async (t) => {
    const a = await signUp(t);
    const b = await signUp(t);
    const me = await call(t, "GET", "/api/users/me", undefined, a.accessToken);
    assertEquals([me.status, me.json.email], [200, a.email]);
    const seen = await call(t, "GET", `/api/users/${a.user.id}`, undefined, b.accessToken);
    assertEquals(seen.status, 200);
    assertEquals(seen.json.email, undefined, "another member's email is never shown");
    assertNotIncludes(seen.text, a.email);
    assertProblem(await call(t, "GET", "/api/users/999999", undefined, b.accessToken), 404);
    assertProblem(await call(t, "GET", `/api/users/${a.user.id}`), 401);

    const edit = { headline: "Analyst 🚀", bio: "Line one\nLine two", location: "London" };
    const updated = await call(t, "PUT", `/api/users/${a.user.id}`, edit, a.accessToken);
    assertEquals([updated.status, updated.json.headline, updated.json.bio, updated.json.email], [
      200,
      "Analyst 🚀",
      "Line one\nLine two",
      a.email,
    ]);
    assertProblem(await call(t, "PUT", `/api/users/${a.user.id}`, { headline: "pwned" }, b.accessToken), 403);
    for (const field of ["email", "role", "id", "passwordHash", "createdAt"]) {
      const res = await call(t, "PUT", `/api/users/${a.user.id}`, { [field]: "admin" }, a.accessToken);
      assertProblem(res, 422);
      assertEquals((res.json.errors as { path: string }[])[0].path, field);
    }
    assertProblem(await call(t, "PUT", "/api/users/999999", { headline: "x" }, a.accessToken), 404);
    assertEquals((await t.app.store.getUser(a.user.id))?.role, "member");

    await t.app.store.updateUser(b.user.id, { role: "admin" });
    const byAdmin = await call(t, "PUT", `/api/users/${a.user.id}`, { headline: "Moderated" }, b.accessToken);
    assertEquals([byAdmin.status, byAdmin.json.headline, byAdmin.json.email], [200, "Moderated", undefined]);
  });
  const refusals = lines.filter((l) => l.includes('"msg":"authorization failure"')).map((l) => JSON.parse(l));
  assert(refusals.some((r) => r.status === 403 && r.method === "PUT" && r.userId), "a 403 is logged with who tried");
  assert(refusals.some((r) => r.status === 401), "a 401 is logged");
  assert(!lines.some((l) => /eyJ[\w-]{10,}\./.test(l)), "no token ever reaches the log");
});

Deno.test("[api] deleting an account ends its sessions and frees its email; others cannot delete it", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const b = await signUp(t);
    assertProblem(await call(t, "DELETE", `/api/users/${a.user.id}`, undefined, b.accessToken), 403);
    assertEquals((await call(t, "DELETE", `/api/users/${a.user.id}`, undefined, a.accessToken)).status, 204);
    assertProblem(await call(t, "GET", "/api/users/me", undefined, a.accessToken), 401);
    assertProblem(await call(t, "POST", "/api/auth/refresh-token", { refreshToken: a.refreshToken }), 401);
    assertProblem(await call(t, "POST", "/api/auth/login", { email: a.email, password: a.password }), 401);
    assertProblem(await call(t, "GET", `/api/users/${a.user.id}`, undefined, b.accessToken), 404);
    const again = await call(t, "POST", "/api/auth/register", { ...person(), email: a.email });
    assertEquals(again.status, 201);
  });
});

Deno.test("[api] a cookie-authenticated write without the CSRF token is refused", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const res = await call(t, "PUT", `/api/users/${a.user.id}`, { headline: "csrf" }, undefined, {
      cookie: `prok_at=${a.accessToken}`,
      origin: "https://evil.example",
    });
    assertProblem(res, 403);
    assertEquals((await t.app.store.getUser(a.user.id))?.headline, "");
  });
});

Deno.test("[api] the OpenAPI document describes the endpoints from the validating schemas", async () => {
  await withTestApp(async (t) => {
    const res = await call(t, "GET", "/api/openapi.json");
    assertEquals([res.status, res.json.openapi], [200, "3.1.0"]);
    const paths = res.json.paths as Record<string, Record<string, Json>>;
    for (const p of ["/api/auth/register", "/api/auth/login", "/api/users", "/api/users/{id}"]) assert(paths[p], p);
    const schema = (paths["/api/auth/register"].post.requestBody as Json) as {
      content: Record<string, { schema: Json }>;
    };
    const body = schema.content["application/json"].schema;
    assertEquals(body.additionalProperties, false);
    assertEquals((body.properties as Record<string, Json>).password.minLength, 8);
  });
});

const redisUrl = requireServer("REDIS_URL");

Deno.test({
  name: "[api] rate-limit keys in Redis hold a keyed hash of the email, never the email",
  ignore: !redisUrl,
  fn: async () => {
    // Redis keeps the sign-up limit per address between runs: this test is about keys, so it is set out of reach.
    await withTestApp(async (t) => {
      const a = await signUp(t);
      const mixed = a.email.replace(/^p/, "P");
      assertProblem(await call(t, "POST", "/api/auth/login", { email: mixed, password: "wrong password!" }), 401);
      const redis = (t.app.limiter as RedisRateLimiter).client;
      const keys: string[] = [];
      for await (const batch of redis.scanIterator({ MATCH: "prok:rl:*login*", COUNT: 1000 })) keys.push(...batch);
      const local = a.email.split("@")[0].toLowerCase();
      assertEquals(keys.filter((k) => k.toLowerCase().includes(local)), []);
      const hash = new Uint8Array(
        await crypto.subtle.sign("HMAC", t.app.keys.limits, new TextEncoder().encode(a.email.toLowerCase())),
      );
      const hex = Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
      assert(keys.includes(`prok:rl:w:login:acct:${hex}`), "the failure is counted under the hash");
    }, { env: { REDIS_URL: redisUrl!, PROK_RATE_LIMIT_FACTOR: "1000" } });
  },
});

Deno.test("[api] unpaired surrogates and non-characters are 422 on every text field, naming it; nothing is stored", async () => {
  await withTestApp(async (t) => {
    const recruiter = await signUp(t, { role: "recruiter" });
    const other = await signUp(t);
    const me = recruiter.user.id;
    const bad = ["\ud800", "a\udfffb", "\ufffe", "\uffff", "\ufdd0", "x\ufdefx", "\u{1fffe}", "\u{10ffff}"];
    for (const s of bad) {
      const cases: [string, string, Json, string][] = [
        ["POST", "/api/auth/register", person({ firstName: `Ada${s}` }), "firstName"],
        ["POST", "/api/auth/register", person({ password: `long enough ${s}` }), "password"],
        ["POST", "/api/auth/login", { email: recruiter.email, password: `x${s}` }, "password"],
        ["PUT", `/api/users/${me}`, { headline: s }, "headline"],
        ["PUT", `/api/users/${me}`, { bio: `bio ${s}` }, "bio"],
        ["POST", "/api/posts", { content: `post ${s}` }, "content"],
        ["POST", "/api/jobs", { title: `t${s}`, description: "d", jobType: "contract" }, "title"],
        ["POST", "/api/connections", { receiverId: other.user.id, message: s }, "message"],
        ["POST", "/api/notifications/read", { ids: [s] }, "ids.0"],
      ];
      for (const [method, path, body, field] of cases) {
        // JSON.stringify writes a lone surrogate as a \ud800 escape, which JSON.parse turns back into one.
        const res = await call(t, method, path, body, path.includes("/auth/") ? undefined : recruiter.accessToken);
        assertProblem(res, 422);
        const errors = res.json.errors as { path: string; message: string }[];
        assert(errors.some((e) => e.path === field), `${path} ${JSON.stringify(s)}: ${JSON.stringify(errors)}`);
      }
    }
    const q = await call(t, "GET", "/api/users?q=%EF%BF%BE", undefined, recruiter.accessToken);
    assertProblem(q, 422);
    const posts = await call(t, "GET", "/api/posts?feed=all", undefined, recruiter.accessToken);
    assertEquals(posts.json.items, []);
    // Astral characters written as surrogate pairs are whole characters, and kept.
    const emoji = await call(t, "PUT", `/api/users/${me}`, { headline: "\ud83e\uddee ok" }, recruiter.accessToken);
    assertEquals([emoji.status, emoji.json.headline], [200, "🧮 ok"]);
  });
});

Deno.test("[api] names must show something: blank, zero-width, bidi-override or filler-only names are 422", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    const invisible = [" ", "\t", "\u3000", "\u200b", "\u202e", "\u202e\u200d\u2066", "\u3164", "\ufeff", "\u00ad "];
    for (const name of invisible) {
      const joined = await call(t, "POST", "/api/auth/register", person({ lastName: name }));
      assertProblem(joined, 422);
      assert((joined.json.errors as { path: string }[]).some((e) => e.path === "lastName"), JSON.stringify(name));
      const edited = await call(t, "PUT", `/api/users/${a.user.id}`, { firstName: name }, a.accessToken);
      assertProblem(edited, 422);
    }
    // A visible name may still carry a format character (Arabic and Persian names use the zero-width non-joiner).
    const ok = await call(t, "PUT", `/api/users/${a.user.id}`, { firstName: "می\u200cخواهم" }, a.accessToken);
    assertEquals(ok.status, 200, ok.text);
  });
});

Deno.test("[api] the Bearer scheme is case-insensitive", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    for (const scheme of ["bearer", "BEARER", "bEaReR"]) {
      const res = await call(t, "GET", "/api/users/me", undefined, undefined, {
        authorization: `${scheme} ${a.accessToken}`,
      });
      assertEquals(res.status, 200, scheme);
    }
    const basic = await call(t, "GET", "/api/users/me", undefined, undefined, {
      authorization: `Basic ${a.accessToken}`,
    });
    assertProblem(basic, 401);
  });
});

Deno.test("[api] a query string with a malformed percent escape is 400 problem+json, never 500", async () => {
  await withTestApp(async (t) => {
    const a = await signUp(t);
    for (const path of ["/api/users?q=%zz", "/api/posts?cursor=%E0%A4%A", "/api/jobs?q=100%", "/api/search?q=%C3"]) {
      const res = await call(t, "GET", path, undefined, a.accessToken);
      assertProblem(res, 400);
      assertStringIncludes(res.json.detail as string, "percent escape");
    }
    assertEquals((await call(t, "GET", "/api/users?q=%25zz", undefined, a.accessToken)).status, 200);
  });
});
