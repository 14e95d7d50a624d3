// Flash messages: one sentence carried across a form's 303 redirect ("Invitation sent to Ada Lovelace.") in a short-
// lived cookie, shown once by the next page. The cookie is signed, so no other site can make Prok's pages say
// something Prok did not say.
import type { FreshContext } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import { decodeCursor, encodeCursor } from "../services/store/cursor.ts";
import { cookie, cookieNames, readCookie } from "./session.ts";

const KIND = "flash";
const MAX_AGE_SECONDS = 120;

const isFlash = (v: unknown): v is { text: string } =>
  typeof v === "object" && v !== null && typeof (v as { text: unknown }).text === "string";

/** Sets the message the next page shows. */
export function setFlash(ctx: FreshContext<AppState>, text: string): void {
  const { session, app } = ctx.state;
  const value = encodeCursor(app.keys.cursor, KIND, { text });
  session.setCookies.push(cookie(cookieNames(session.secure).flash, value, session.secure, MAX_AGE_SECONDS));
}

/** The message a form left for this page, if any; it is cleared, so a reload does not show it again. */
export function takeFlash(req: Request, ctx: FreshContext<AppState>): string | null {
  const { session, app } = ctx.state;
  const name = cookieNames(session.secure).flash;
  const raw = readCookie(req, name);
  if (!raw) return null;
  session.setCookies.push(cookie(name, "", session.secure, 0));
  try {
    return decodeCursor(app.keys.cursor, KIND, raw, isFlash).text;
  } catch {
    return null; // tampered with or from an old secret: not ours to show
  }
}
