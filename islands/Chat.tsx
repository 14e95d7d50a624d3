import { useComputed, useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { emit, onLive, sendLive, socketState, startLiveSocket } from "../components/live_socket.ts";

export interface ChatMember {
  id: string;
  firstName: string;
  lastName: string;
}

/** A message as the API and the socket carry it. */
export interface ChatMessageJson {
  id: string;
  senderId: string;
  receiverId: string;
  content: string;
  isRead: boolean;
  createdAt: string;
  clientId: string | null;
}

export interface ChatConversation {
  user: ChatMember;
  lastMessage: ChatMessageJson;
  unreadCount: number;
}

export interface ChatThread {
  other: ChatMember;
  /** Oldest first. */
  messages: ChatMessageJson[];
  /** The next older page, for the "earlier messages" link. */
  olderCursor: string | null;
  /** False once the two are no longer connected: the history stays readable, the form goes. */
  canMessage: boolean;
  /** A fresh clientId for the form, so a resubmitted form without JavaScript stores one message. */
  formClientId: string;
  /** What the server refused on the last form post (JavaScript off). */
  error?: string;
  draft?: string;
}

export interface ChatProps {
  me: ChatMember;
  csrf: string;
  conversations: ChatConversation[];
  thread: ChatThread | null;
}

type State = "queued" | "sending" | "sent" | "delivered" | "read" | "failed";

interface Shown {
  id: string | null;
  clientId: string | null;
  senderId: string;
  content: string;
  createdAt: string;
  /** Only for the member's own messages. */
  state?: State;
  problem?: string;
}

const STATE_TEXT: Record<State, string> = {
  queued: "Waiting for a connection — sends when you are back online",
  sending: "Sending…",
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Not sent",
};

const TYPING_EVERY_MS = 2_000;
const TYPING_SHOWN_MS = 6_000;
const FOCUS = "focus:outline-none focus:ring-2 focus:ring-offset-2 focus:ring-brand-600";

function newClientId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

const nameOf = (m: ChatMember) => `${m.firstName} ${m.lastName}`;
const threadPath = (id: string) => `/messaging/${encodeURIComponent(id)}`;

// Formatters made once: toLocaleString and its kin build a new ICU formatter at every call (30 µs for a time).
const TIME = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });

function time(iso: string): string {
  return TIME.format(new Date(iso)) + " UTC";
}

function shown(m: ChatMessageJson, me: string): Shown {
  return {
    id: m.id,
    clientId: m.clientId,
    senderId: m.senderId,
    content: m.content,
    createdAt: m.createdAt,
    state: m.senderId === me ? (m.isRead ? "read" : "sent") : undefined,
  };
}

/** Merges a stored message in: replaces the optimistic copy (same clientId) or adds it once, in time order. */
function merge(list: Shown[], m: ChatMessageJson, me: string): Shown[] {
  const at = list.findIndex((s) =>
    s.id === m.id || (m.clientId !== null && s.clientId === m.clientId && s.senderId === m.senderId)
  );
  const next = shown(m, me);
  if (at >= 0) {
    const old = list[at];
    // A receipt that arrived first is not undone by a late copy of the message.
    if (old.state === "delivered" || old.state === "read") next.state = old.state;
    return list.map((s, i) => (i === at ? next : s));
  }
  const out = [...list, next];
  out.sort((a, b) => (a.id === null ? 1 : b.id === null ? -1 : a.createdAt.localeCompare(b.createdAt)));
  return out;
}

/**
 * Messaging: the conversation list and the open thread. Without JavaScript the list is links and the thread a plain
 * form that posts and redirects. With it, messages go over the page's socket and arrive live, with typing, sent /
 * delivered / read marks, messages typed offline queued and resent with the same clientId, and a `sync` after every
 * reconnect so nothing is missed or shown twice.
 */
export default function Chat(props: ChatProps) {
  const { me, thread } = props;
  const other = thread?.other ?? null;
  const messages = useSignal<Shown[]>(thread ? thread.messages.map((m) => shown(m, me.id)) : []);
  const conversations = useSignal(props.conversations);
  const draft = useSignal(thread?.draft ?? "");
  const typing = useSignal(false);
  const live = useSignal(false);
  const lastTyping = useRef(0);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const list = useRef<HTMLOListElement>(null);
  const lastId = useComputed(() => messages.value.filter((m) => m.id !== null).at(-1)?.id ?? null);

  function update(match: (s: Shown) => boolean, change: Partial<Shown>) {
    messages.value = messages.value.map((s) => (match(s) ? { ...s, ...change } : s));
  }

  function markRead() {
    if (!other || document.visibilityState !== "visible") return;
    emit("local:conversation-read", { with: other.id });
    fetch("/api/messages/read", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": props.csrf },
      body: JSON.stringify({ with: other.id }),
    }).catch(() => {}); // the next visit reads them
  }

  function touchConversation(m: ChatMessageJson) {
    const otherId = m.senderId === me.id ? m.receiverId : m.senderId;
    const current = conversations.value.find((c) => c.user.id === otherId);
    if (!current && otherId !== other?.id) return; // a new partner shows on the next load of the list
    const user = current?.user ?? other!;
    const unread = (current?.unreadCount ?? 0) + (m.senderId === otherId && otherId !== other?.id ? 1 : 0);
    conversations.value = [
      { user, lastMessage: m, unreadCount: otherId === other?.id ? 0 : unread },
      ...conversations.value.filter((c) => c.user.id !== otherId),
    ];
  }

  /** Sends (or resends) one of the member's messages: over the socket, else through the API, else queued. */
  async function deliver(m: Shown) {
    if (!other || m.clientId === null) return;
    const data = { receiverId: other.id, content: m.content, clientId: m.clientId };
    if (sendLive("message:send", data)) return update((s) => s.clientId === m.clientId, { state: "sending" });
    if (!navigator.onLine) return update((s) => s.clientId === m.clientId, { state: "queued" });
    update((s) => s.clientId === m.clientId, { state: "sending" });
    try {
      const res = await fetch("/api/messages", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": props.csrf },
        body: JSON.stringify(data),
      });
      const body = await res.json().catch(() => ({}));
      if (res.ok) {
        messages.value = merge(messages.value, body, me.id);
        touchConversation(body);
      } else if (res.status >= 500 || res.status === 429) {
        update((s) => s.clientId === m.clientId, { state: "queued" });
      } else {
        update((s) => s.clientId === m.clientId, { state: "failed", problem: body.detail ?? "Not accepted." });
      }
    } catch {
      update((s) => s.clientId === m.clientId, { state: "queued" }); // offline: resent when the socket is back
    }
  }

  useEffect(() => {
    startLiveSocket();
    live.value = true;
    let opened = false;
    const stops = [
      onLive("open", () => {
        // After a reconnect: first what was missed, then what was typed meanwhile (same clientIds: never twice).
        if (opened) sendLive("sync", { since: lastId.value });
        opened = true;
        for (const m of messages.value) if (m.state === "queued" || m.state === "sending") deliver(m);
      }),
      onLive("message:receive", (data) => {
        const m = data.message as ChatMessageJson;
        touchConversation(m);
        if (!other || (m.senderId !== other.id && m.receiverId !== other.id)) return;
        messages.value = merge(messages.value, m, me.id);
        if (m.senderId === other.id) {
          typing.value = false;
          markRead();
        }
      }),
      onLive("message:ack", (data) => {
        const m = data.message as ChatMessageJson;
        messages.value = merge(messages.value, m, me.id);
        touchConversation(m);
      }),
      onLive("message:delivered", (data) => {
        update((s) => s.id === data.id && s.state === "sent", { state: "delivered" });
      }),
      onLive("message:read", (data) => {
        if (data.by !== other?.id) return;
        update((s) => s.senderId === me.id && s.id !== null, { state: "read" });
      }),
      onLive("typing:start", (data) => {
        if (data.from !== other?.id) return;
        typing.value = true;
        clearTimeout(typingTimer.current);
        typingTimer.current = setTimeout(() => typing.value = false, TYPING_SHOWN_MS);
      }),
      onLive("typing:stop", (data) => {
        if (data.from === other?.id) typing.value = false;
      }),
      onLive("sync", (data) => {
        if (!data.complete) sendLive("sync", { since: lastId.value });
      }),
      // The server's pub/sub was away and is back: live events were missed while the socket stayed open.
      onLive("resync", () => sendLive("sync", { since: lastId.value })),
      onLive("error", (data) => {
        if (typeof data.clientId !== "string") return;
        const retry = data.code === "rate-limited" || data.code === "internal";
        update((s) => s.clientId === data.clientId, {
          state: retry ? "queued" : "failed",
          problem: retry ? undefined : String(data.message ?? "Not accepted."),
        });
      }),
    ];
    const visible = () => document.visibilityState === "visible" && markRead();
    document.addEventListener("visibilitychange", visible);
    return () => {
      stops.forEach((stop) => stop());
      document.removeEventListener("visibilitychange", visible);
    };
  }, []);

  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: "end" });
  }, [messages.value.length]);

  function submit(e: Event) {
    e.preventDefault();
    const content = draft.value;
    if (!other || !content.trim()) return;
    const m: Shown = {
      id: null,
      clientId: newClientId(),
      senderId: me.id,
      content,
      createdAt: new Date().toISOString(),
      state: "sending",
    };
    messages.value = [...messages.value, m];
    draft.value = "";
    lastTyping.current = 0;
    deliver(m);
  }

  function typed(e: Event) {
    draft.value = (e.target as HTMLTextAreaElement).value;
    const now = Date.now();
    if (other && draft.value && now - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = now;
      sendLive("typing:start", { to: other.id });
    }
  }

  const offline = live.value && socketState.value !== "open";
  return (
    <div class={thread ? "md:grid md:grid-cols-3 md:gap-6" : ""}>
      <nav aria-label="Conversations" class={thread ? "hidden md:block" : ""}>
        <h2 class="text-lg font-semibold text-gray-900">Conversations</h2>
        {conversations.value.length === 0
          ? (
            <p class="mt-2 text-gray-700">
              No conversations yet. Open a connection from{" "}
              <a href="/network/connections" class="text-brand-700 underline">My network</a> to write to them.
            </p>
          )
          : (
            <ul class="mt-2 divide-y divide-gray-200 rounded-lg border border-gray-200 bg-white">
              {conversations.value.map((c) => (
                <li key={c.user.id}>
                  <a
                    href={threadPath(c.user.id)}
                    aria-current={c.user.id === other?.id ? "page" : undefined}
                    class={`block p-3 hover:bg-gray-50 ${c.user.id === other?.id ? "bg-brand-50" : ""} ${FOCUS}`}
                  >
                    <span class="flex items-center gap-2">
                      <span class={`flex-1 truncate ${c.unreadCount ? "font-bold text-gray-900" : "text-gray-900"}`}>
                        {nameOf(c.user)}
                      </span>
                      {c.unreadCount > 0 && (
                        <span class="rounded-full bg-brand-700 px-2 text-xs font-bold text-white">
                          {c.unreadCount}
                          <span class="sr-only">unread</span>
                        </span>
                      )}
                    </span>
                    <span class="block truncate text-sm text-gray-600">
                      {c.lastMessage.senderId === me.id ? "You: " : ""}
                      {c.lastMessage.content}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
      </nav>
      {thread && other && (
        <section aria-labelledby="thread-title" class="md:col-span-2 mt-6 md:mt-0">
          <p class="md:hidden">
            <a href="/messaging" class="text-brand-700 underline">All conversations</a>
          </p>
          <h2 id="thread-title" class="text-lg font-semibold text-gray-900">
            <a href={`/in/${encodeURIComponent(other.id)}`} class={`hover:underline ${FOCUS}`}>{nameOf(other)}</a>
          </h2>
          <p aria-live="polite" class="h-5 text-sm text-gray-600">
            {typing.value ? `${other.firstName} is typing…` : ""}
          </p>
          {thread.olderCursor && (
            <p>
              <a
                href={`${threadPath(other.id)}?cursor=${encodeURIComponent(thread.olderCursor)}`}
                class="text-brand-700 underline"
              >
                Earlier messages
              </a>
            </p>
          )}
          <ol
            ref={list}
            aria-label={`Messages with ${nameOf(other)}`}
            class="mt-2 max-h-[60vh] space-y-2 overflow-y-auto"
          >
            {messages.value.length === 0 && <li class="text-gray-700">No messages yet. Say hello!</li>}
            {messages.value.map((m) => {
              const mine = m.senderId === me.id;
              return (
                <li key={m.id ?? m.clientId} class={`flex ${mine ? "justify-end" : "justify-start"}`}>
                  <div
                    class={`max-w-[80%] rounded-lg px-3 py-2 ${
                      mine ? "bg-brand-700 text-white" : "bg-white border border-gray-200 text-gray-900"
                    }`}
                  >
                    <p class="whitespace-pre-wrap break-words">{m.content}</p>
                    <p class={`mt-1 text-xs ${mine ? "text-brand-50" : "text-gray-600"}`}>
                      <span class="sr-only">{mine ? "You" : other.firstName},</span>
                      <time datetime={m.createdAt}>{time(m.createdAt)}</time>
                      {mine && m.state && <span data-state={m.state}>{` · ${STATE_TEXT[m.state]}`}</span>}
                      {m.problem && <span role="alert">{` — ${m.problem}`}</span>}
                    </p>
                    {m.state === "failed" && (
                      <button
                        type="button"
                        class={`mt-1 text-xs underline ${FOCUS}`}
                        onClick={() => deliver(m)}
                      >
                        Try again
                      </button>
                    )}
                  </div>
                </li>
              );
            })}
          </ol>
          {offline && (
            <p role="status" class="mt-2 text-sm text-gray-700">
              Reconnecting… Messages you write now are sent as soon as the connection is back.
            </p>
          )}
          {thread.canMessage
            ? (
              <form method="post" action={threadPath(other.id)} onSubmit={submit} class="mt-4">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <input type="hidden" name="clientId" value={thread.formClientId} />
                <label for="message-content" class="block font-medium text-gray-900">Write a message</label>
                {thread.error && <p id="message-error" role="alert" class="mt-1 text-red-800">{thread.error}</p>}
                <textarea
                  id="message-content"
                  name="content"
                  rows={3}
                  maxLength={5000}
                  required
                  value={draft.value}
                  onInput={typed}
                  aria-invalid={thread.error ? "true" : undefined}
                  aria-describedby={thread.error ? "message-error" : undefined}
                  class="mt-1 block w-full rounded-md border border-gray-400 px-3 py-2 focus:outline-none focus:ring-2 focus:ring-brand-600"
                />
                <button
                  type="submit"
                  class={`mt-2 rounded-full bg-brand-700 px-6 py-2 font-semibold text-white hover:bg-brand-800 ${FOCUS}`}
                >
                  Send
                </button>
              </form>
            )
            : (
              <p class="mt-4 rounded-md border border-gray-300 bg-gray-50 p-3 text-gray-700">
                You can message your connections only.{" "}
                <a href={`/in/${encodeURIComponent(other.id)}`} class="text-brand-700 underline">
                  Connect with {other.firstName}
                </a>{" "}
                to write again.
              </p>
            )}
        </section>
      )}
    </div>
  );
}
