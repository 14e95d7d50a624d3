import { assert, assertEquals } from "../framework/testing/assert.ts";
import { PasswordHasher } from "./passwords.ts";
import { deriveKeys } from "./secrets.ts";

Deno.test({
  name: "[passwords] bcrypt at cost 10 over a peppered pre-hash: nothing is truncated",
  sanitizeResources: false,
  fn: async () => {
    const keys = await deriveKeys("s".repeat(48));
    const hasher = new PasswordHasher(keys.pepper, 1);
    try {
      const a = "a".repeat(72) + "1";
      const b = "a".repeat(72) + "2";
      const hash = await hasher.hash(a);
      assertEquals(hash.slice(0, 7), "$2b$10$");
      assertEquals(await hasher.verify(a, hash), true);
      assertEquals(await hasher.verify(b, hash), false, "bytes after the 72nd count");
      const nul = await hasher.hash("pass\u0000word1");
      assertEquals(await hasher.verify("pass\u0000word2", nul), false, "bytes after a NUL count");
      assertEquals(await hasher.verify("anything", null), false, "no hash never verifies");
      const other = new PasswordHasher((await deriveKeys("t".repeat(48))).pepper, 1);
      try {
        assertEquals(await other.verify(a, hash), false, "the pepper is part of the hash");
      } finally {
        other.close();
      }
    } finally {
      hasher.close();
    }
  },
});

Deno.test({
  name: "[passwords] hashing runs off the event loop",
  sanitizeResources: false,
  fn: async () => {
    const hasher = new PasswordHasher((await deriveKeys("s".repeat(48))).pepper, 1);
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      await Promise.all([hasher.hash("one password"), hasher.hash("another one")]);
      clearInterval(timer);
      assert(ticks >= 5, `the event loop kept turning while bcrypt ran (${ticks} ticks)`);
    } finally {
      hasher.close();
    }
  },
});
