// Email: a welcome to each new member, an invitation notice to its receiver, and one "unread messages" note per burst
// of messages the receiver has not read 15 minutes later (the queue holds `message.created` back that long: see
// services/store/events.ts). Each worker reloads what the event names and sends nothing when a record or a member is
// gone, or the reason to write has passed (the invitation was answered, the message read). A send is keyed by purpose
// and eventId, so a redelivered event does not mail twice; a mailer that is down throws, and the runner's retries
// (1 s, 10 s, 1 min, 10 min, 1 h, then a dead letter: workers/runner.ts) send it when it is back.
import type { Config } from "../services/config.ts";
import { MailRejectedError } from "../services/mail/types.ts";
import type { Mail, Mailer } from "../services/mail/types.ts";
import type { DomainEvent, Message, User } from "../services/store/model.ts";
import type { MembersPort } from "../services/store/ports/members.ts";
import type { MessagesPort } from "../services/store/ports/messages.ts";
import type { ConnectionsPort } from "../services/store/ports/network.ts";
import type { Worker, WorkerLog } from "./runner.ts";

/** The storage ports this module uses. */
type Store = MembersPort & ConnectionsPort & MessagesPort;

export interface EmailDeps {
  store: Store;
  mail: Mailer;
  /** Where the links in mails point (no trailing slash): see mailOrigin. */
  origin: string;
  log: WorkerLog;
}

/** The app's public origin: PROK_ORIGIN, or this machine's port in development. */
export function mailOrigin(config: Pick<Config, "origin" | "port">): string {
  return config.origin ?? `http://localhost:${config.port}`;
}

/** Messages per page, and how far back, the unread count looks; beyond that the count reads "100+". */
const SCAN_PAGE = 50;
const SCAN_MAX = 100;

export function emailWorkers(deps: EmailDeps): Worker[] {
  const { store } = deps;
  return [
    {
      name: "email:welcome",
      handles: ["user.created"],
      async run(event) {
        const user = await store.getUser(event.id);
        if (!user) return; // deleted already: nobody to welcome
        await send(deps, event, welcomeMail(user, deps.origin, `welcome:${event.eventId}`));
      },
    },
    {
      name: "email:invitation",
      handles: ["connection.invited"],
      async run(event) {
        const connection = await store.getConnection(event.id);
        if (!connection || connection.status !== "pending") return; // withdrawn or answered since
        const [sender, receiver] = await Promise.all([
          store.getUser(connection.senderId),
          store.getUser(connection.receiverId),
        ]);
        if (!sender || !receiver) return;
        const key = `invitation:${event.eventId}`;
        await send(deps, event, invitationMail(sender, receiver, connection.message, deps.origin, key));
      },
    },
    {
      name: "email:unread-messages",
      handles: ["message.created"],
      async run(event) {
        const message = await store.getMessage(event.id);
        if (!message || message.isRead || message.senderId === message.receiverId) return;
        const unread = await unreadFrom(store, message);
        if (!unread) return; // a newer unread message from the same sender will send the one note of this burst
        const [sender, receiver] = await Promise.all([
          store.getUser(message.senderId),
          store.getUser(message.receiverId),
        ]);
        if (!sender || !receiver) return;
        const key = `unread-messages:${event.eventId}`;
        await send(deps, event, unreadMail(sender, receiver, unread, deps.origin, key));
      },
    },
  ];
}

/** Sends, treating a final refusal (an address that does not exist) as done: retrying it would not help. */
async function send(deps: EmailDeps, event: DomainEvent, mail: Mail): Promise<void> {
  try {
    await deps.mail.send(mail);
  } catch (err) {
    if (!(err instanceof MailRejectedError)) throw err;
    deps.log({
      level: "warn",
      msg: "mail refused for good; not retried",
      event: event.type,
      eventId: event.eventId,
      code: err.responseCode,
      error: err.message,
    });
  }
}

/**
 * How many messages from the sender the receiver has not read, when `message` is the newest of them (null when a
 * newer unread one exists, or it is not unread any more). Reading a conversation marks all of it read, so the unread
 * ones are the sender's newest: the scan stops at the first read one.
 */
async function unreadFrom(store: Store, message: Message): Promise<string | null> {
  const { senderId, receiverId } = message;
  let count = 0;
  let seen = false;
  let after: Awaited<ReturnType<Store["listMessages"]>>["next"] = null;
  for (let scanned = 0; scanned < SCAN_MAX;) {
    const page = await store.listMessages(receiverId, senderId, { limit: SCAN_PAGE, after: after ?? undefined });
    for (const m of page.items) {
      scanned++;
      if (m.senderId !== senderId) continue; // the receiver's own replies
      if (m.isRead) return seen ? String(count) : null;
      if (!seen && m.id !== message.id) return null;
      seen = true;
      count++;
    }
    if (!page.next) return seen ? String(count) : null;
    after = page.next;
  }
  return seen ? `${count}+` : null;
}

// --- the mails -------------------------------------------------------------------------------------------------------

const name = (u: User) => `${u.firstName} ${u.lastName}`.trim();

/** Header text: one line, whatever a member typed. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ").trim().slice(0, 200);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Paragraphs of text (each escaped, line breaks kept) and one link, in a page any mail client shows. */
function html(paragraphs: string[], link: { href: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`).join("\n");
  return `<!doctype html>
<html lang="en"><body style="font-family:system-ui,-apple-system,sans-serif;color:#111827;line-height:1.5">
${body}
<p><a href="${escapeHtml(link.href)}" style="color:#1d4ed8;font-weight:600">${escapeHtml(link.label)}</a></p>
<p style="color:#4b5563;font-size:13px">You get this email because you have a Prok account.</p>
</body></html>`;
}

function compose(to: User, subject: string, paragraphs: string[], link: { href: string; label: string }, key: string) {
  const text = [...paragraphs, `${link.label}: ${link.href}`, "You get this email because you have a Prok account."]
    .join("\n\n");
  return { to: to.email, subject: oneLine(subject), text, html: html(paragraphs, link), idempotencyKey: key };
}

export function welcomeMail(user: User, origin: string, key: string): Mail {
  return compose(
    user,
    `Welcome to Prok, ${user.firstName}`,
    [
      `Hi ${user.firstName},`,
      "Welcome to Prok. Your account is ready.",
      "Add a headline and a few words about yourself, so the people you work with can find you.",
    ],
    { href: `${origin}/settings`, label: "Complete your profile" },
    key,
  );
}

export function invitationMail(sender: User, receiver: User, note: string, origin: string, key: string): Mail {
  const who = sender.headline ? `${name(sender)} (${sender.headline})` : name(sender);
  const paragraphs = [`Hi ${receiver.firstName},`, `${who} invited you to connect on Prok.`];
  if (note.trim()) paragraphs.push(`Their note:\n${note.trim()}`);
  return compose(receiver, `${name(sender)} invited you to connect`, paragraphs, {
    href: `${origin}/network`,
    label: "See the invitation",
  }, key);
}

export function unreadMail(sender: User, receiver: User, count: string, origin: string, key: string): Mail {
  const messages = count === "1" ? "1 unread message" : `${count} unread messages`;
  return compose(
    receiver,
    `You have ${messages} from ${name(sender)}`,
    [
      `Hi ${receiver.firstName},`,
      `You have ${messages} from ${name(sender)} on Prok.`,
    ],
    { href: `${origin}/messaging/${encodeURIComponent(sender.id)}`, label: "Read and reply" },
    key,
  );
}
