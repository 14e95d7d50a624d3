// deno task dev | build | manifest: see framework/dev.ts.
import { dev } from "$fresh/dev.ts";
import config from "./fresh.config.ts";

await dev(import.meta.url, "./main.ts", config);
