// What the "My network" pages and their forms share: lists shaped for the page, and the end of every form post (a
// flash message and a 303 back where the member was, or the reason it did not work).
import type { FreshContext } from "$fresh/server.ts";
import type { AppState } from "../plugins/app.ts";
import type { ConnectionPage, ConnectionView } from "../services/connections.ts";
import { NotFoundError } from "../services/errors.ts";
import type { NetworkEntry, NetworkList } from "../components/NetworkPage.tsx";
import type { RefusalData } from "../components/Refusal.tsx";
import { setFlash } from "./flash.ts";
import { assertFormSameSite, formFailure, readForm, safeNext, seeOther, signInFirst, textFields } from "./forms.ts";
import { userSummary } from "./serialize.ts";

function networkEntry({ connection, sender, receiver }: ConnectionView, callerId: string): NetworkEntry {
  const other = sender.id === callerId ? receiver : sender;
  return {
    connectionId: connection.id,
    member: userSummary(other),
    message: connection.message,
    createdAt: connection.createdAt.toISOString(),
  };
}

export function networkList(page: ConnectionPage, callerId: string): NetworkList {
  return { items: page.items.map((v) => networkEntry(v, callerId)), nextCursor: page.nextCursor };
}

/**
 * Runs a network form: reads `fields`, checks the CSRF token, acts, sets the flash message `act` returns and goes
 * back to the form's `next` page (or `home`). A domain error renders the refusal with its status instead.
 */
export async function submitNetworkForm<K extends string>(
  req: Request,
  ctx: FreshContext<AppState>,
  fields: readonly K[],
  act: (values: Record<K | "next", string>) => Promise<string>,
  home = "/network",
): Promise<Response> {
  const caller = ctx.state.session.caller;
  let back = home;
  try {
    const form = await readForm(req);
    const values = textFields(form, [...fields, "next"] as const);
    back = safeNext(values.next) ?? back;
    if (!caller) return signInFirst(back);
    assertFormSameSite(req, ctx, form);
    setFlash(ctx, await act(values));
    return seeOther(back);
  } catch (err) {
    const failure = err instanceof NotFoundError
      ? {
        status: 404,
        problem: "That member or invitation is no longer there. It may have been withdrawn or answered already.",
        errors: {},
        headers: {},
      }
      : formFailure(ctx, err, { message: "Your note", receiverId: "The member" });
    if (!failure) throw err;
    const problem = failure.problem ?? Object.values(failure.errors).join(" ");
    return ctx.render({ problem, back } satisfies RefusalData, { status: failure.status, headers: failure.headers });
  }
}
