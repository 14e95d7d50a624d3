// The baseline for `deno task bench`: a bare Deno.serve hello on 127.0.0.1:$PORT, with nothing else in the way.
const port = Number(Deno.env.get("PORT") ?? "8000");

Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, () => new Response("hello"));
