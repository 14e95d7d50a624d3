// kill -9 of one of two instances in the middle of a burst of posts and messages, its data folder deleted, against
// app processes on a MariaDB of the test's own and a real SMTP server: the other instance must complete every fan-out
// and every mail (the welcome of each member, the unread-messages note of each conversation, held back 15 minutes)
// exactly once. Before the queue moved into MySQL, the outbox relay put each committed event into the local Deno KV
// queue of whichever instance relayed it, and the killed instance's disk took that work with it.
import { assert, assertEquals } from "../../framework/testing/assert.ts";
import { startSmtpServer } from "../../services/mail/test_server.ts";
import { openDatabase } from "../../services/store/mysql/pool.ts";
import { api, connect, homeFeedIds, type Member, register } from "./members.ts";
import { type AppProcess, requireBinaries, startApp, startPrivateMariadb } from "./servers.ts";

const READERS = 3;
const RECEIVERS = 10;
const POSTS = 60;
const MESSAGES = 40;
/** The kill lands once this many writes of the burst were answered. */
const KILL_AFTER = 40;
/**
 * How long everything may take after the kill: the dead instance's claims come back when their 30 s lease passes,
 * and a worker's claim it left behind lapses before that (mysql/queue.ts).
 */
const COMPLETE_WITHIN_MS = 120_000;

const mariadb = requireBinaries("mariadbd", "mariadb-install-db");

Deno.test({
  name:
    "[faults] kill -9 of one of two instances mid-burst, its disk gone: the other completes every fan-out and mail once",
  ignore: !mariadb,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const server = await startPrivateMariadb(mariadb!);
    const smtp = await startSmtpServer();
    const db = openDatabase(server.url);
    const dirs = [
      await Deno.makeTempDir({ prefix: "prok-fault-a-" }),
      await Deno.makeTempDir({ prefix: "prok-fault-b-" }),
    ];
    const env = (dir: string) => ({
      DATABASE_URL: server.url,
      SMTP_URL: smtp.url,
      PROK_DATA_DIR: dir,
      PROK_RATE_LIMIT_FACTOR: "10000",
      // One public origin, as behind a load balancer: a token issued by one instance is good on the other.
      PROK_ORIGIN: "http://prok.invalid",
    });
    let a: AppProcess | null = null;
    let b: AppProcess | null = null;
    try {
      [a, b] = await Promise.all([startApp(env(dirs[0])), startApp(env(dirs[1]))]);
      const author = await register(a.origin, "Author");
      const sender = await register(b.origin, "Sender");
      const readers: Member[] = [];
      const receivers: Member[] = [];
      for (let i = 0; i < READERS; i++) readers.push(await register(i % 2 ? a.origin : b.origin, `Reader${i}`));
      for (let i = 0; i < RECEIVERS; i++) receivers.push(await register(i % 2 ? a.origin : b.origin, `Receiver${i}`));
      for (const reader of readers) {
        await connect(a.origin, author, reader, b.origin);
        await homeFeedIds(b.origin, reader.token); // built: from here on only the fan-out fills it
      }
      for (const receiver of receivers) await connect(b.origin, sender, receiver, a.origin);

      // The burst, all on the instance about to die: posts and messages side by side.
      const origin = a.origin;
      let answered = 0;
      let refused = false;
      const burst = async (n: number, write: (i: number) => Promise<{ status: number; text: string }>) => {
        for (let i = 0; i < n && !refused; i++) {
          try {
            const res = await write(i);
            assert(res.status === 201, `${res.status} ${res.text}`);
            answered++;
          } catch (err) {
            if (err instanceof TypeError) refused = true; // the instance is gone
            else throw err;
          }
        }
      };
      const load = Promise.all([
        burst(POSTS, (i) => api(origin, "POST", "/api/posts", { content: `burst post ${i}` }, author.token)),
        burst(MESSAGES, (i) =>
          api(origin, "POST", "/api/messages", {
            receiverId: receivers[i % RECEIVERS].id,
            content: `burst message ${i}`,
          }, sender.token)),
      ]);
      let failed: unknown = null;
      load.catch((err) => failed = err);
      while (answered < KILL_AFTER && !failed) await new Promise((r) => setTimeout(r, 5));
      if (failed) throw failed;
      await a.kill();
      await load;
      await Deno.remove(dirs[0], { recursive: true });
      const killedAt = performance.now();
      const [atKill] = await db.writer.query<{ rows: unknown; leased: unknown; held: unknown }>(
        "SELECT COUNT(*) AS `rows`, SUM(lease_token IS NOT NULL AND due_at > NOW(3)) AS leased, " +
          "SUM(lease_token IS NULL AND due_at > NOW(3)) AS held FROM outbox",
      );
      // The unread-messages notes are held back 15 minutes: let that time pass for the rows nobody holds. The rows the
      // dead instance had claimed come back by themselves when their lease runs out.
      await db.writer.execute("UPDATE outbox SET due_at = NOW(3) WHERE lease_token IS NULL AND due_at > NOW(3)");

      // What was committed, acknowledged or not, is what must be done.
      const posts = (await db.writer.query<{ id: unknown }>("SELECT id FROM posts")).map((r) => String(r.id));
      const members = Number((await db.writer.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM users"))[0].n);
      const conversations = (await db.writer.query<{ email: string }>(
        "SELECT DISTINCT u.email FROM messages m JOIN users u ON u.id = m.receiver_id",
      )).map((r) => r.email);
      const mailsTo = (prefix: string) => smtp.received.filter((m) => m.subject.startsWith(prefix));
      let missing = "";
      for (;;) {
        const [left] = await db.writer.query<{ outbox: unknown; dead: unknown }>(
          "SELECT (SELECT COUNT(*) FROM outbox) AS outbox, (SELECT COUNT(*) FROM dead_letters) AS dead",
        );
        const feeds = await Promise.all(readers.map((r) => homeFeedIds(b!.origin, r.token)));
        const unfanned = feeds.reduce((n, feed) => n + posts.filter((id) => !feed.has(id)).length, 0);
        missing = `${Number(left.outbox)} outbox rows, ${Number(left.dead)} dead letters, ${unfanned} timeline ` +
          `entries, ${members - mailsTo("Welcome").length} welcome and ${
            conversations.length - mailsTo("You have").length
          } unread-messages mails`;
        if (Number(left.outbox) === 0 && unfanned === 0) break;
        if (performance.now() - killedAt > COMPLETE_WITHIN_MS) {
          throw new Error(
            `missing ${COMPLETE_WITHIN_MS / 1000} s after the kill: ${missing}\n` +
              b.lines().filter((l) => /"level":"(warn|error)"/.test(l)).slice(-20).join("\n"),
          );
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      const completedMs = Math.round(performance.now() - killedAt);
      assertEquals(Number((await db.writer.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM dead_letters"))[0].n), 0);
      const ids = smtp.received.map((m) => m.headers.get("message-id"));
      assertEquals(ids.length, new Set(ids).size, "no mail went out twice");
      assertEquals(mailsTo("Welcome").length, members, "one welcome per member");
      assertEquals(
        mailsTo("You have").flatMap((m) => m.rcptTo).sort(),
        conversations.sort(),
        "one note per conversation",
      );
      console.log(
        `[faults] stranded work: ${answered} writes answered before the kill; at the kill the outbox held ` +
          `${Number(atKill.rows)} events (${Number(atKill.leased ?? 0)} claimed by an instance, ` +
          `${Number(atKill.held ?? 0)} held back for the 15-minute mail); the survivor completed ${posts.length} ` +
          `posts' fan-out to ${READERS} readers, ${members} welcomes and ${conversations.length} unread-messages ` +
          `mails, each once, ${completedMs} ms after the kill; stranded: 0 (outbox 0, dead letters 0)`,
      );
    } finally {
      await a?.kill().catch(() => {});
      await b?.kill().catch(() => {});
      await db.close();
      await smtp.close();
      await server.cleanup();
      for (const dir of dirs) await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
