// The real-time bench's members, made straight in the store the app instances share (a Deno KV file in a temporary
// folder, or the MySQL database given): N members, the first ones joined two by two as accepted connections, and
// sessions minted as a sign-in mints them (a session in the store, an access token signed with the key the app
// derives from the same PROK_SECRET), so the servers verify real tokens of real sessions without thousands of
// bcrypt sign-ins.
import { type App, closeApp, openApp } from "../../services/app.ts";
import { parseConfig } from "../../services/config.ts";
import type { Message } from "../../services/store/model.ts";
import { hashRefreshToken, randomToken, REFRESH_TTL_MS, signAccessToken } from "../../services/tokens.ts";
import { removeTemporary, temporaryDir } from "./processes.ts";
import { BENCH_ORIGIN } from "./realtime_apps.ts";

const BATCH = 2_000;
const IN_FLIGHT = 16;

export interface RealtimeFixture {
  /** One line saying where the members are. */
  describe: string;
  memberIds: string[];
  /** The store part of an app instance's environment (each instance gets its own folder for its queue). */
  storeEnv(instance: string): Promise<Record<string, string>>;
  /** One new session per member, and its access token (valid 15 minutes: open the sockets soon after). */
  signIn(members: number[]): Promise<string[]>;
  /** The stored messages of `members` (sent or received) whose clientId starts with `prefix`, each once. */
  storedMessages(members: number[], prefix: string): Promise<Pick<Message, "id" | "clientId">[]>;
  cleanup(): Promise<void>;
}

/** Runs `fn` over `items` with at most IN_FLIGHT at once, results in order. */
async function mapLimited<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  }));
  return results;
}

/**
 * Makes `members` members (the first `paired` joined in pairs: 0 with 1, 2 with 3...) in a new Deno KV folder, or
 * in the MySQL database at `databaseUrl` (where they stay afterwards, under @bench.prok.test emails).
 */
export async function realtimeFixture(
  secret: string,
  members: number,
  paired: number,
  databaseUrl?: string,
): Promise<RealtimeFixture> {
  const folder = await temporaryDir("prok-bench-rt-");
  const shared = `${folder}/shared`;
  const config = parseConfig({
    PROK_ENV: "production",
    PROK_ORIGIN: BENCH_ORIGIN,
    PROK_SECRET: secret,
    PROK_DATA_DIR: shared,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  // The bench opens the store only while it needs it (an embedded KV file is one process's at a time).
  const withApp = async <T>(fn: (app: App) => Promise<T>): Promise<T> => {
    const app = await openApp(config, { hashers: 1 });
    try {
      return await fn(app);
    } finally {
      await closeApp(app);
    }
  };

  try {
    const run = crypto.randomUUID().slice(0, 8);
    const memberIds = await withApp(async (app) => {
      const passwordHash = await app.hasher.hash(`bench ${crypto.randomUUID()}`); // nobody signs in with it
      const ids: string[] = [];
      for (let from = 0; from < members; from += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, members - from) }, (_, k) => ({
          email: `rt-${run}-${from + k}@bench.prok.test`,
          passwordHash,
          firstName: "Bench",
          lastName: `Member ${from + k}`,
          role: "member" as const,
          createdAt: new Date(),
        }));
        ids.push(...await app.store.importUsers(batch));
      }
      const pairs = [];
      for (let i = 0; i + 1 < Math.min(paired, members); i += 2) {
        pairs.push({ senderId: ids[i], receiverId: ids[i + 1], createdAt: new Date() });
      }
      for (let from = 0; from < pairs.length; from += BATCH) {
        await app.store.importConnections(pairs.slice(from, from + BATCH));
      }
      return ids;
    });

    return {
      describe: databaseUrl
        ? `MySQL (${new URL(databaseUrl).pathname.slice(1)}), members rt-${run}-*@bench.prok.test`
        : "Deno KV, one file shared by the instances",
      memberIds,
      storeEnv: async (instance): Promise<Record<string, string>> => {
        if (!databaseUrl) return { PROK_DATA_DIR: shared };
        const own = `${folder}/${instance}`;
        await Deno.mkdir(own, { recursive: true });
        return { DATABASE_URL: databaseUrl, PROK_DATA_DIR: own };
      },
      signIn: (indexes) =>
        withApp((app) =>
          mapLimited(indexes, async (i) => {
            const session = await app.store.createSession({
              userId: memberIds[i],
              tokenHash: await hashRefreshToken(randomToken()),
              expiresAt: new Date(Date.now() + REFRESH_TTL_MS),
            });
            return await signAccessToken(app.tokens, { sub: memberIds[i], sid: session.id });
          })
        ),
      storedMessages: (indexes, prefix) =>
        withApp(async (app) => {
          const found = new Map<string, Pick<Message, "id" | "clientId">>();
          await mapLimited(indexes, async (i) => {
            let after: { createdAt: number; id: string } | null = null;
            for (;;) {
              const batch: Message[] = await app.store.listMessagesAfter(memberIds[i], after, 500);
              for (const m of batch) if (m.clientId?.startsWith(prefix)) found.set(m.id, m);
              if (batch.length < 500) return;
              const last = batch[batch.length - 1];
              after = { createdAt: last.createdAt.getTime(), id: last.id };
            }
          });
          return [...found.values()];
        }),
      cleanup: () => removeTemporary(folder),
    };
  } catch (err) {
    await removeTemporary(folder);
    throw err;
  }
}
