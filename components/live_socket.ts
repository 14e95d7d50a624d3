// The page's one WebSocket to /api/ws, shared by the Chat and NotificationBell islands (a module, not context:
// islands share modules). It reconnects with exponential backoff and jitter, and says when it (re)opened so the
// islands can catch up (`sync`) and resend what they queued.
import { signal } from "@preact/signals";

export interface LiveEvent {
  type: string;
  data: Record<string, unknown>;
}

type Listener = (data: Record<string, unknown>) => void;

/** "open" is a live socket; anything else means sends must wait or go another way. */
export const socketState = signal<"connecting" | "open" | "offline">("connecting");

const listeners = new Map<string, Set<Listener>>();
let socket: WebSocket | null = null;
let attempts = 0;
let started = false;
let closedForGood = false;
let retry: ReturnType<typeof setTimeout> | undefined;

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;

/** Tells this page's islands something happened here ("local:" types never come from the server). */
export function emit(type: string, data: Record<string, unknown>): void {
  for (const fn of listeners.get(type) ?? []) fn(data);
}

function connect(): void {
  clearTimeout(retry);
  // Offline, a try can only fail (and the browser logs it): the "online" event connects instead.
  if (!navigator.onLine) {
    socketState.value = "offline";
    return;
  }
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${location.host}/api/ws`);
  socket = ws;
  socketState.value = "connecting";
  ws.onopen = () => {
    attempts = 0;
    socketState.value = "open";
    emit("open", {});
  };
  ws.onmessage = (e) => {
    try {
      const event = JSON.parse(e.data) as LiveEvent;
      if (typeof event.type === "string") emit(event.type, event.data ?? {});
    } catch {
      // not a frame of ours
    }
  };
  ws.onclose = (e) => {
    socket = null;
    socketState.value = "offline";
    // 4001: the session ended (signed out elsewhere); 1008: refused. Retrying would only be refused again.
    if (closedForGood || e.code === 4001 || e.code === 1008) return;
    const delay = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempts++) * (0.5 + Math.random() / 2);
    retry = setTimeout(connect, delay);
  };
}

/** Opens the socket once per page (later calls share it). */
export function startLiveSocket(): void {
  if (started) return;
  started = true;
  connect();
  // The network is gone: a socket that looks open would swallow what is sent, so close it and queue instead.
  addEventListener("offline", () => socket?.close(4000, "offline"));
  // Back online: try now rather than wait out the backoff.
  addEventListener("online", () => {
    if (!socket) {
      attempts = 0;
      connect();
    }
  });
  addEventListener("pagehide", () => {
    closedForGood = true;
    socket?.close(1000);
  });
}

/** Calls `fn` for every event of `type` ("open" when the socket (re)opens); returns how to stop. */
export function onLive(type: string, fn: Listener): () => void {
  let set = listeners.get(type);
  if (!set) listeners.set(type, set = new Set());
  set.add(fn);
  return () => set.delete(fn);
}

/** Sends a frame if the socket is open; false when it is not (the caller queues or falls back). */
export function sendLive(type: string, data: Record<string, unknown>): boolean {
  if (!socket || socket.readyState !== WebSocket.OPEN) return false;
  socket.send(JSON.stringify({ type, data }));
  return true;
}
