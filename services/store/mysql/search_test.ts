// What only the MySQL search has: its statements, and the recent-posts shortcut agreeing with the FULLTEXT search
// (the contract in contract_search.ts covers what it finds). Each test gets a private database, dropped afterwards.
import { assert, assertEquals } from "../../../framework/testing/assert.ts";
import { migrate } from "./migrate.ts";
import { openDatabase } from "./pool.ts";
import { booleanQuery, queryWithin, RECENT_POSTS, searchIndex, searchSql } from "./search.ts";
import { limitParam } from "./shared.ts";
import { DATABASE_URL, mysqlTest, openScratchDatabase } from "./testing.ts";

const databaseTest = mysqlTest("[mysql search]", openScratchDatabase);

Deno.test("[mysql search] the boolean query requires every word but the last, which is a prefix", () => {
  assertEquals(booleanQuery(["java"]), "java*");
  assertEquals(booleanQuery(["senior", "java", "ber"]), "+senior +java ber*");
});

Deno.test("[mysql search] one statement per type and word count, its parameters in the order of its placeholders", () => {
  for (const type of ["people", "posts", "jobs"] as const) {
    for (let count = 1; count <= 8; count++) {
      const { sql, params } = searchSql(type, count);
      const words = Array.from({ length: count }, (_, i) => `w${i}`);
      const placeholders = sql.split("?").length - 1;
      assertEquals(params(words).length + 2, placeholders, `${type} with ${count} words`); // + limit and offset
      assertEquals(params(words).at(-1), booleanQuery(words), "the WHERE's query comes last");
      assert(!/w\d/.test(sql), "no word is ever part of the text");
    }
  }
});

databaseTest("the newest posts answer a common query exactly as the FULLTEXT search does", async ({ db }) => {
  await migrate(db);
  // Older posts beyond the recent window, then a window's worth in which "harbour" is common.
  const rows: string[] = [];
  const params: (string | Date)[] = [];
  const total = RECENT_POSTS + 300;
  for (let i = 0; i < total; i++) {
    const content = i % 3 === 0 ? `harbour lights ${i}` : i % 3 === 1 ? `harbour master ${i}` : `open sea ${i}`;
    rows.push("(1, ?, ?, ?)");
    params.push(content, new Date(Date.UTC(2024, 0, 1) + i * 1000), new Date(Date.UTC(2024, 0, 1) + i * 1000));
  }
  for (let i = 0; i < rows.length; i += 500) {
    await db.writer.execute(
      `INSERT INTO posts (author_id, content, created_at, updated_at) VALUES ${rows.slice(i, i + 500).join(", ")}`,
      params.slice(i * 3, (i + 500) * 3),
    );
  }
  const ctx = { db, kick() {} };
  // InnoDB makes a bulk insert's words searchable a moment after the commit when the server is busy: the reference
  // answer is read once the index has them all.
  const indexed = searchSql("posts", 1);
  for (let tries = 0;; tries++) {
    const all = await db.reader.query(indexed.sql, [...indexed.params(["harbour"]), limitParam(5_000), limitParam(0)]);
    if (all.length === Math.ceil(total * 2 / 3) || tries === 100) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const words of [["harbour"], ["harbour", "lig"], ["harbour", "master"], ["harb"]]) {
    for (const [limit, offset] of [[20, 0], [10, 40], [1, 0]]) {
      const quick = await searchIndex(ctx, "posts", words, { limit, offset });
      const { sql, params } = searchSql("posts", words.length);
      const full = await db.reader.query<{ id: number; score: number }>(sql, [
        ...params(words),
        limitParam(limit),
        limitParam(offset),
      ]);
      assertEquals(quick.map((h) => h.id), full.map((r) => String(r.id)), `${words} ${limit}@${offset}`);
      assertEquals(quick.length, limit);
    }
  }
  // Rarer than the window can answer: the FULLTEXT search, old posts included ("open sea 170" is post 171).
  const rare = await searchIndex(ctx, "posts", ["sea", "170"], { limit: 5, offset: 0 });
  assertEquals(rare.length, 5);
  assert(rare.some((h) => h.id === "171"), JSON.stringify(rare));
  const deep = await searchIndex(ctx, "posts", ["harbour"], { limit: 5, offset: 1_500 });
  assertEquals(deep.length, 5, "a page beyond the window's matches");
});

Deno.test({
  name: "[mysql search] a statement past its time limit is stopped by the server, and said so",
  ignore: !DATABASE_URL,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const db = openDatabase(DATABASE_URL!);
    try {
      const ctx = { db, kick() {} };
      assertEquals(await queryWithin(ctx, "SELECT ? AS n", [7], 1_000), [{ n: 7 }]);
      const started = performance.now();
      // Billions of rows to count (SLEEP would not do: MySQL 8 ends it quietly instead of failing it).
      const endless = "SELECT COUNT(*) AS n FROM information_schema.COLLATIONS a, information_schema.COLLATIONS b, " +
        "information_schema.COLLATIONS c, information_schema.COLLATIONS d WHERE a.ID > ?";
      assertEquals(await queryWithin(ctx, endless, [0], 100), null);
      assert(performance.now() - started < 2_000, "stopped long before the sleep ends");
    } finally {
      await db.close();
    }
  },
});
