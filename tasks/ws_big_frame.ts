// Peak resident memory of a served Prok while one member sends one oversized WebSocket frame (default 60 MB):
// `deno run -A tasks/ws_big_frame.ts [megabytes]`. Starts `main.ts` on a free port with a scratch data folder,
// signs up, opens the socket, sends the frame, waits for the hub's answer and the close, and prints VmRSS before and
// after and the peak (VmHWM).
const mb = Number(Deno.args[0] ?? 60);
const port = 18_000 + Math.floor(Math.random() * 1000);
const dir = await Deno.makeTempDir({ prefix: "prok-big-frame-" });
const origin = `http://127.0.0.1:${port}`;
const server = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname],
  env: { PORT: String(port), PROK_DATA_DIR: dir, PROK_ENV: "development", PROK_ORIGIN: origin },
  stdout: "null",
  stderr: "null",
}).spawn();

const status = (field: string) =>
  Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(Deno.readTextFileSync(`/proc/${server.pid}/status`))![1]) /
  1024;

try {
  for (let i = 0;; i++) {
    try {
      if ((await fetch(`${origin}/healthz`).then((r) => r.body?.cancel().then(() => r.status))) === 200) break;
    } catch { /* not yet listening */ }
    if (i > 300) throw new Error("the server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  const reg = await fetch(`${origin}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: `big.${crypto.randomUUID().slice(0, 8)}@example.com`,
      password: "correct horse battery",
      firstName: "Big",
      lastName: "Frame",
    }),
  }).then((r) => r.json());
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws`, {
    headers: { cookie: `prok_at=${reg.accessToken}`, origin },
  } as unknown as string[]);
  await new Promise((resolve, reject) => (ws.onopen = resolve, ws.onerror = reject));
  await new Promise((r) => setTimeout(r, 500));
  const before = status("VmRSS");
  const answer = new Promise<string>((resolve) => {
    ws.onmessage = (e) => resolve(String(e.data).slice(0, 120));
    ws.onclose = (e) => resolve(`closed ${e.code}`);
  });
  const closed = new Promise<string>((resolve) =>
    ws.addEventListener("close", (e) => resolve(`${e.code} ${e.reason}`))
  );
  ws.send(JSON.stringify({ type: "message:send", data: { content: "x".repeat(mb * 1_000_000) } }));
  const got = await answer;
  const closedWith = await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r("still open"), 5_000))]);
  await new Promise((r) => setTimeout(r, 500));
  console.log(JSON.stringify({
    frameMB: mb,
    rssBeforeMiB: Math.round(before),
    peakRssMiB: Math.round(status("VmHWM")),
    rssAfterMiB: Math.round(status("VmRSS")),
    answer: got,
    closed: closedWith,
  }));
  ws.close();
} finally {
  server.kill("SIGTERM");
  await server.status;
  await Deno.remove(dir, { recursive: true });
}
