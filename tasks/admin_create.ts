// deno task admin:create EMAIL — makes the member with EMAIL an admin, or creates an admin account with a generated
// password printed once. Admins are never self-assigned through the API.
import { closeApp, openApp } from "../services/app.ts";
import { ConfigError, getConfig } from "../services/config.ts";

const email = Deno.args[0];
if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
  console.error("usage: deno task admin:create EMAIL");
  Deno.exit(2);
}

let config;
try {
  config = getConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  Deno.exit(1);
}

const app = await openApp(config, { hashers: 1 });
try {
  const existing = await app.store.getUserByEmail(email);
  if (existing) {
    await app.store.updateUser(existing.id, { role: "admin" });
    console.log(`${email} (member ${existing.id}) is now an admin.`);
  } else {
    const password = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))));
    const user = await app.store.createUser({
      email,
      passwordHash: await app.hasher.hash(password),
      firstName: "Admin",
      lastName: "Prok",
      role: "admin",
    });
    console.log(`Created admin ${email} (member ${user.id}). Password, shown once: ${password}`);
  }
} finally {
  await closeApp(app);
}
