// deno task admin:create EMAIL — makes the member with EMAIL an admin, or creates an admin account with a generated
// password printed once. Admins are never self-assigned through the API.
import { closeApp, openApp } from "../services/app.ts";
import { configOrExit } from "./cli.ts";

const email = Deno.args[0];
if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
  console.error("usage: deno task admin:create EMAIL");
  Deno.exit(2);
}

const config = configOrExit();

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
