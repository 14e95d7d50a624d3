import { assert, assertEquals, assertStringIncludes, assertThrows } from "../framework/testing/assert.ts";
import { ConfigError, kvPathOf, parseConfig } from "./config.ts";

Deno.test("[config] no environment at all is the embedded default", () => {
  const config = parseConfig({});
  assertEquals(JSON.parse(JSON.stringify(config)), {
    port: 8000,
    hostname: "127.0.0.1",
    env: "development",
    dataDir: "./data",
    databaseReadUrls: [],
    databaseReadMaxLagMs: 5000,
    rateLimitFactor: 1,
    trustedProxies: [],
    drainMs: 5000,
    demo: true,
    prebuilt: false,
    mediaBaseUrl: "",
  });
  assertEquals(Object.isFrozen(config), true);
});

Deno.test("[config] a bad value is one line naming the variable and the fix", () => {
  const cases: [Record<string, string>, string][] = [
    [{ PORT: "eighty" }, "PORT: must be a number"],
    [{ PORT: "70000" }, "PORT: must be between 1 and 65535"],
    [{ PROK_ENV: "staging" }, "PROK_ENV: must be development, production or test"],
    [{ DATABASE_URL: "postgres://u:pw@h/db" }, "DATABASE_URL: must be a URL starting with mysql://"],
    [{ REDIS_URL: "localhost:6379" }, "REDIS_URL: must be a URL starting with redis://"],
    [{ PROK_ORIGIN: "prok.example" }, "PROK_ORIGIN"],
    [{ PROK_SECRET: "short" }, "PROK_SECRET: must be at least 32 characters"],
    [{ MEILI_API_KEY: "k" }, "MEILI_API_KEY: set MEILI_URL too"],
    [{ PROK_RATE_LIMIT_FACTOR: "0" }, "PROK_RATE_LIMIT_FACTOR: must be between 0.01 and 10000"],
    [{ PROK_TRUSTED_PROXIES: "10.0.0.1, evil host" }, "PROK_TRUSTED_PROXIES: must be a comma-separated list"],
    [{ PROK_DEMO: "yes" }, "PROK_DEMO: must be 0 or 1"],
    [{ PROK_PREBUILT: "true" }, "PROK_PREBUILT: must be 0 or 1"],
    [{ PROK_DRAIN_MS: "5s" }, "PROK_DRAIN_MS: must be a number"],
    [{ PROK_DRAIN_MS: "-1" }, "PROK_DRAIN_MS: must be between 0 and 600000"],
    [{ HOSTNAME: "0.0.0.0; rm -rf" }, "HOSTNAME: must be an address to listen on"],
  ];
  for (const [env, expected] of cases) {
    const err = assertThrows(() => parseConfig(env)) as Error;
    assertEquals(err instanceof ConfigError, true);
    assertStringIncludes(err.message, `Invalid environment variable ${expected}`);
    assertEquals(err.message.includes("\n"), false);
  }
});

Deno.test("[config] passwords in URLs and the secret never appear in messages", () => {
  const err = assertThrows(() => parseConfig({ DATABASE_URL: "postgres://u:s3cret@h/db" })) as Error;
  assertEquals(err.message.includes("s3cret"), false);
  const secret = assertThrows(() => parseConfig({ PROK_SECRET: "tooshort-but-secret" })) as Error;
  assertEquals(secret.message.includes("tooshort-but-secret"), false);
});

Deno.test("[config] production refuses to start without PROK_SECRET", () => {
  assertThrows(() => parseConfig({ PROK_ENV: "production" }), "PROK_SECRET: production needs a secret");
  const ok = parseConfig({ PROK_ENV: "production", PROK_SECRET: "x".repeat(48), PROK_ORIGIN: "https://prok.example/" });
  assertEquals([ok.env, ok.origin], ["production", "https://prok.example"]);
});

Deno.test("[config] production refuses to start without PROK_ORIGIN, naming it and the fix", () => {
  const err = assertThrows(() => parseConfig({ PROK_ENV: "production", PROK_SECRET: "x".repeat(48) })) as Error;
  assertEquals(err instanceof ConfigError, true);
  assertStringIncludes(err.message, "Invalid environment variable PROK_ORIGIN: production needs the public origin");
  assertStringIncludes(err.message, "PROK_ORIGIN=https://prok.example");
  assertEquals(err.message.includes("\n"), false);
  // Elsewhere the request URL stands in for it.
  assertEquals(parseConfig({ PROK_ENV: "development" }).origin, undefined);
});

Deno.test("[config] development and test listen on this machine only; production on every interface; HOSTNAME wins", () => {
  const production = { PROK_ENV: "production", PROK_SECRET: "x".repeat(48), PROK_ORIGIN: "https://prok.example" };
  assertEquals(parseConfig({}).hostname, "127.0.0.1");
  assertEquals(parseConfig({ PROK_ENV: "development" }).hostname, "127.0.0.1");
  assertEquals(parseConfig({ PROK_ENV: "test" }).hostname, "127.0.0.1");
  assertEquals(parseConfig(production).hostname, "0.0.0.0");
  assertEquals(parseConfig({ HOSTNAME: "0.0.0.0" }).hostname, "0.0.0.0");
  assertEquals(parseConfig({ HOSTNAME: "" }).hostname, "127.0.0.1");
  assertEquals(parseConfig({ ...production, HOSTNAME: "10.0.0.5" }).hostname, "10.0.0.5");
  assertEquals(parseConfig({ HOSTNAME: "[::1]" }).hostname, "::1");
  assertEquals(parseConfig({ HOSTNAME: "::" }).hostname, "::");
});

Deno.test("[config] a shared MySQL database refuses to start without PROK_SECRET, in every environment", () => {
  for (const PROK_ENV of ["development", "test"]) {
    const err = assertThrows(() =>
      parseConfig({ PROK_ENV, DATABASE_URL: "mysql://root@127.0.0.1:3306/prok" })
    ) as Error;
    assertEquals(err instanceof ConfigError, true);
    assertStringIncludes(err.message, "Invalid environment variable PROK_SECRET: DATABASE_URL needs a secret");
    assertEquals(err.message.includes("\n"), false);
  }
  const ok = parseConfig({ DATABASE_URL: "mysql://root@127.0.0.1:3306/prok", PROK_SECRET: "x".repeat(48) });
  assertEquals(ok.databaseUrl, "mysql://root@127.0.0.1:3306/prok");
});

Deno.test("[config] read replicas: each URL checked and named by its place in the list, passwords hidden", () => {
  const primary = { DATABASE_URL: "mysql://root@10.0.0.1:3306/prok", PROK_SECRET: "x".repeat(48) };
  const cases: [Record<string, string>, string][] = [
    [
      { ...primary, DATABASE_READ_URLS: "mysql://r:pw1@10.0.1.5/prok,postgres://r:pw2@h/prok" },
      "DATABASE_READ_URLS: entry 2 of 2 must start",
    ],
    [
      { ...primary, DATABASE_READ_URLS: "mysql://r:pw1@10.0.1.5" },
      "DATABASE_READ_URLS: entry 1 of 1 names no database",
    ],
    [{ ...primary, DATABASE_READ_URLS: "10.0.1.5:3306" }, "DATABASE_READ_URLS: entry 1 of 1 is not a URL"],
    [
      { ...primary, DATABASE_READ_URLS: "mysql://r:pw1@10.0.1.5/prok, " },
      "DATABASE_READ_URLS: entry 2 of 2 is not a URL",
    ],
    [{ ...primary, DATABASE_READ_MAX_LAG_S: "0.5" }, "DATABASE_READ_MAX_LAG_S: must be between 1 and 3600"],
    [{ ...primary, DATABASE_READ_MAX_LAG_S: "5s" }, "DATABASE_READ_MAX_LAG_S: must be a number of seconds"],
    [{ DATABASE_READ_URLS: "mysql://r@10.0.1.5/prok" }, "DATABASE_READ_URLS: replicas need their primary"],
  ];
  for (const [env, expected] of cases) {
    const err = assertThrows(() => parseConfig(env)) as Error;
    assertEquals(err instanceof ConfigError, true);
    assertStringIncludes(err.message, `Invalid environment variable ${expected}`);
    assertEquals(err.message.includes("\n") || /pw1|pw2/.test(err.message), false, err.message);
  }
  const ok = parseConfig({
    ...primary,
    DATABASE_READ_URLS: "mysql://r@10.0.1.5:3306/prok, mariadb://r@10.0.1.6/prok",
    DATABASE_READ_MAX_LAG_S: "2.5",
  });
  assertEquals(ok.databaseReadUrls, ["mysql://r@10.0.1.5:3306/prok", "mariadb://r@10.0.1.6/prok"]);
  assertEquals(ok.databaseReadMaxLagMs, 2500);
});

Deno.test("[config] on Deno Deploy: production by default, its managed KV, no data folder", () => {
  const deploy = { DENO_DEPLOYMENT_ID: "abc123", PROK_SECRET: "s".repeat(40), PROK_ORIGIN: "https://prok.example" };
  const config = parseConfig(deploy);
  assertEquals(config.env, "production");
  assertEquals(kvPathOf(config), undefined);
  assertEquals(parseConfig({ ...deploy, PROK_ENV: "test" }).env, "test");
  assert(assertThrows(() => parseConfig({ DENO_DEPLOYMENT_ID: "abc123" }), "PROK_SECRET") instanceof ConfigError);
  assertEquals(kvPathOf(parseConfig({ PROK_DATA_DIR: "/srv/prok" })), "/srv/prok/prok.kv");
});

Deno.test("[config] media: S3 when S3_BUCKET is set, its settings checked together; the secret key never shown", () => {
  assertEquals(parseConfig({}).s3, undefined);
  assertEquals(
    parseConfig({
      S3_BUCKET: "prok-media",
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_ACCESS_KEY_ID: "id",
      S3_SECRET_ACCESS_KEY: "key",
      S3_FORCE_PATH_STYLE: "1",
    }),
    {
      ...parseConfig({}),
      s3: {
        bucket: "prok-media",
        endpoint: "http://127.0.0.1:9000",
        region: "us-east-1",
        credentials: { accessKeyId: "id", secretAccessKey: "key" },
        forcePathStyle: true,
      },
    },
  );
  assertEquals(parseConfig({ S3_BUCKET: "prok-media", S3_REGION: "auto" }).s3?.credentials, undefined);
  assertEquals(
    parseConfig({ PROK_MEDIA_BASE_URL: "https://cdn.prok.example/" }).mediaBaseUrl,
    "https://cdn.prok.example",
  );
  assert(
    assertThrows(() => parseConfig({ PROK_MEDIA_BASE_URL: "cdn.prok.example" }), "PROK_MEDIA_BASE_URL") instanceof
      ConfigError,
  );
  for (
    const [env, message] of [
      [{ S3_ENDPOINT: "http://127.0.0.1:9000" }, "S3_ENDPOINT: set S3_BUCKET too"],
      [{ S3_BUCKET: "Prok_Media" }, "S3_BUCKET: must be an S3 bucket name"],
      [{ S3_BUCKET: "prok-media", S3_ACCESS_KEY_ID: "id" }, "set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY"],
      [{ S3_BUCKET: "prok-media", S3_FORCE_PATH_STYLE: "yes" }, "S3_FORCE_PATH_STYLE: must be 1 or 0"],
    ] as const
  ) {
    assertThrows(() => parseConfig(env), message);
  }
  const err = assertThrows(() => parseConfig({ S3_BUCKET: "b", S3_SECRET_ACCESS_KEY: "hush" })) as Error;
  assert(!err.message.includes("hush"), err.message);
});
