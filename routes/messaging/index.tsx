import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { listConversations } from "../../services/messages.ts";
import Chat, { type ChatProps } from "../../islands/Chat.tsx";
import { NO_STORE, signInFirst } from "../../http/forms.ts";
import { conversationJson, userSummary } from "../../http/serialize.ts";
import { csrfToken } from "../../http/session.ts";

export const handler: Handlers<ChatProps, AppState> = {
  async GET(_req, ctx) {
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst("/messaging");
    const conversations = await listConversations(domainDeps(ctx.state.app), caller.user);
    return ctx.render({
      me: userSummary(caller.user),
      csrf: await csrfToken(ctx.state.app, ctx.state.session),
      conversations: conversations.map(conversationJson),
      thread: null,
    }, { headers: NO_STORE });
  },
};

export default function Messaging({ data }: PageProps<ChatProps>) {
  return (
    <>
      <Head>
        <title>Messaging — Prok</title>
      </Head>
      <h1 class="text-2xl font-bold text-gray-900">Messaging</h1>
      <div class="mt-4">
        <Chat {...data} />
      </div>
    </>
  );
}
