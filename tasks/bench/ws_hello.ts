// The WebSocket baseline of the real-time bench: a bare Deno.serve on 127.0.0.1:$PORT that upgrades every request
// and holds the socket (with the app's idle timeout), nothing else: what idle sockets cost the runtime itself, next
// to what they cost the app.
const port = Number(Deno.env.get("PORT") ?? "8000");

Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, (req) => {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("ready");
  const { socket, response } = Deno.upgradeWebSocket(req, { idleTimeout: 30 });
  socket.addEventListener("message", () => {});
  return response;
});
