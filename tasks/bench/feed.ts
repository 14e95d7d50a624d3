// The feed benchmark's data and targets: a seeded network (the MySQL database `deno task seed` filled, or a smaller
// Deno KV one made here), one well-connected member signed in, and the URLs of their feed's page 1 and page 50.
import { closeApp, openApp } from "../../services/app.ts";
import { parseConfig } from "../../services/config.ts";
import { PasswordHasher } from "../../services/passwords.ts";
import { deriveKeys } from "../../services/secrets.ts";
import { MysqlStore } from "../../services/store/mysql/store.ts";
import type { User } from "../../services/store/model.ts";
import type { Store } from "../../services/store/store.ts";
import { seed } from "../seed.ts";

/** The Deno KV network: smaller than the MySQL one, so the bench seeds it in about a minute. */
export const KV_NETWORK = { members: 1_000, posts: 50_000, connections: 50 };

export interface FeedFixture {
  /** Environment for the app: where its store is. */
  env: Record<string, string>;
  email: string;
  password: string;
  /** One line saying what the network is. */
  describe: string;
  cleanup(): Promise<void>;
}

/** The member with the most connections among the newest `sample` members. */
async function wellConnected(store: Store, sample = 50): Promise<{ user: User; connections: number }> {
  const { items } = await store.listUsers({ limit: sample });
  if (!items.length) throw new Error("the store has no members: seed it first (deno task seed)");
  let best = { user: items[0], connections: -1 };
  for (const user of items) {
    const connections = (await store.listConnectedIds(user.id)).length;
    if (connections > best.connections) best = { user, connections };
  }
  return best;
}

/**
 * Uses the seeded MySQL database at `databaseUrl` (its member's password is reset to one the bench knows, hashed with
 * the bench's secret), or seeds a Deno KV network into a temporary folder.
 */
export async function feedFixture(secret: string, databaseUrl?: string): Promise<FeedFixture> {
  const password = `bench ${crypto.randomUUID()}`;
  if (databaseUrl) {
    const store = await MysqlStore.open(databaseUrl);
    const hasher = new PasswordHasher((await deriveKeys(secret)).pepper, 1);
    try {
      const { user, connections } = await wellConnected(store);
      await store.updateUser(user.id, { passwordHash: await hasher.hash(password) });
      return {
        env: { DATABASE_URL: databaseUrl },
        email: user.email,
        password,
        describe: `MySQL (the seeded database), a member with ${connections} connections`,
        cleanup: () => Promise.resolve(),
      };
    } finally {
      hasher.close();
      await store.close();
    }
  }
  const dataDir = await Deno.makeTempDir({ prefix: "prok-bench-feed-" });
  const app = await openApp(
    parseConfig({
      PROK_ENV: "production",
      PROK_SECRET: secret,
      PROK_ORIGIN: "http://127.0.0.1",
      PROK_DATA_DIR: dataDir,
    }),
    {
      hashers: 1,
    },
  );
  try {
    const result = await seed(app, { ...KV_NETWORK, seed: 42, days: 365, progress: true });
    const { user, connections } = await wellConnected(app.store);
    return {
      env: { PROK_DATA_DIR: dataDir },
      email: user.email,
      password: result.password,
      describe: `Deno KV, ${KV_NETWORK.members.toLocaleString("en-US")} members, ` +
        `${KV_NETWORK.posts.toLocaleString("en-US")} posts, a member with ${connections} connections`,
      cleanup: () => Deno.remove(dataDir, { recursive: true }).catch(() => {}),
    };
  } finally {
    await closeApp(app);
  }
}

export interface FeedTargets {
  token: string;
  page1: string;
  page50: string;
}

/** Signs the bench member in through the API, answering the access token. */
export async function signIn(origin: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${origin}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`the bench member could not sign in: ${res.status} ${JSON.stringify(body)}`);
  return body.accessToken as string;
}

/** Signs the member in and walks their home feed to page 50 (20 posts a page). */
export async function feedTargets(origin: string, email: string, password: string): Promise<FeedTargets> {
  const token = await signIn(origin, email, password);
  const page1 = "/api/posts?limit=20";
  let path = page1;
  for (let page = 1; page < 50; page++) {
    const r = await fetch(origin + path, { headers: { authorization: `Bearer ${token}` } });
    const { nextCursor } = await r.json();
    if (!nextCursor) throw new Error(`the member's feed ends at page ${page}; seed more posts or connections`);
    path = `${page1}&cursor=${encodeURIComponent(nextCursor)}`;
  }
  return { token, page1, page50: path };
}

/** A member two steps from the signed-in one (their first suggestion), whose profile shows a computed degree. */
export async function secondDegreeMember(origin: string, token: string): Promise<string> {
  const res = await fetch(`${origin}/api/connections/suggestions?limit=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = await res.json();
  const id = body.items?.[0]?.user?.id;
  if (res.status !== 200 || typeof id !== "string") {
    throw new Error(`no suggestion for the bench member: ${res.status} ${JSON.stringify(body)}`);
  }
  return id;
}
