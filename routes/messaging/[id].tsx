import { Head } from "$fresh/runtime.ts";
import type { FreshContext, Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../services/errors.ts";
import { openThread, sendMessage } from "../../services/messages.ts";
import { messageJson } from "../../services/realtime/events.ts";
import type { Caller } from "../../services/auth.ts";
import Chat, { type ChatProps } from "../../islands/Chat.tsx";
import { validate } from "../../http/api.ts";
import {
  assertFormSameSite,
  formFailure,
  NO_STORE,
  readForm,
  seeOther,
  signInFirst,
  textFields,
} from "../../http/forms.ts";
import { idParam, messageBody } from "../../services/schemas.ts";
import { conversationJson, userSummary } from "../../http/serialize.ts";
import { csrfToken } from "../../http/session.ts";

const PAGE_SIZE = 30;
const path = (id: string) => `/messaging/${encodeURIComponent(id)}`;

/** The thread page; `failure` keeps what a refused form post typed, with why. */
async function renderThread(
  ctx: FreshContext<AppState>,
  caller: Caller,
  failure?: { status: number; error: string; draft: string; headers: Record<string, string> },
): Promise<Response> {
  const id = ctx.params.id;
  if (!idParam.safeParse(id).success) return ctx.renderNotFound();
  const cursor = ctx.url.searchParams.get("cursor") || undefined;
  const deps = domainDeps(ctx.state.app);
  let thread;
  try {
    thread = await openThread(deps, caller, id, { limit: PAGE_SIZE, cursor });
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return seeOther(path(id)); // a cursor that is not ours: the newest messages instead
  }
  if (thread.unreadNotifications !== undefined) caller.unreadNotifications = thread.unreadNotifications;
  const data: ChatProps = {
    me: userSummary(caller.user),
    csrf: await csrfToken(ctx.state.app, ctx.state.session),
    conversations: thread.conversations.map(conversationJson),
    thread: {
      other: userSummary(thread.other),
      messages: thread.items.map(messageJson).reverse(),
      olderCursor: thread.nextCursor,
      canMessage: thread.canMessage,
      formClientId: crypto.randomUUID(),
      error: failure?.error,
      draft: failure?.draft,
    },
  };
  return ctx.render(data, { status: failure?.status ?? 200, headers: failure?.headers ?? NO_STORE });
}

export const handler: Handlers<ChatProps, AppState> = {
  GET(_req, ctx) {
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst(path(ctx.params.id));
    return renderThread(ctx, caller);
  },
  // The thread's form without JavaScript: store, then 303 back to the thread.
  async POST(req, ctx) {
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst(path(ctx.params.id));
    let draft = "";
    try {
      const form = await readForm(req);
      const fields = textFields(form, ["content", "clientId"]);
      draft = fields.content.replace(/\r\n?/g, "\n");
      assertFormSameSite(req, ctx, form);
      const input = validate(messageBody, {
        receiverId: ctx.params.id,
        content: draft.trim() ? draft : "",
        clientId: fields.clientId || undefined,
      });
      try {
        await sendMessage(domainDeps(ctx.state.app), caller.user, input);
      } catch (err) {
        // Not connected (any other refusal of the form is about the form itself).
        if (!(err instanceof ForbiddenError)) throw err;
        return await renderThread(ctx, caller, { status: 403, error: err.message, draft, headers: NO_STORE });
      }
      return seeOther(path(ctx.params.id));
    } catch (err) {
      if (err instanceof NotFoundError) return ctx.renderNotFound();
      const failure = formFailure(ctx, err, { content: "Your message", receiverId: "The member" });
      if (!failure) throw err;
      const error = failure.problem ?? Object.values(failure.errors).join(" ");
      return await renderThread(ctx, caller, { status: failure.status, error, draft, headers: failure.headers });
    }
  },
};

export default function Thread({ data }: PageProps<ChatProps>) {
  return (
    <>
      <Head>
        <title>
          {data.thread ? `${data.thread.other.firstName} ${data.thread.other.lastName}` : "Messaging"} — Prok
        </title>
      </Head>
      <h1 class="sr-only">Messaging</h1>
      <Chat {...data} />
    </>
  );
}
