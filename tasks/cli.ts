// What every command-line entry point (main.ts and the tasks) does first.
import { type Config, ConfigError, getConfig } from "../services/config.ts";

/** The validated environment, or one line naming the bad variable and exit code 1. */
export function configOrExit(): Config {
  try {
    return getConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    Deno.exit(1);
  }
}
