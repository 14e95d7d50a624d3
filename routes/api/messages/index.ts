import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { ValidationError } from "../../../services/errors.ts";
import { listConversations, listThread, sendMessage } from "../../../services/messages.ts";
import { messageJson } from "../../../services/realtime/events.ts";
import { json, readJson, readQuery } from "../../../http/api.ts";
import { answer, idempotent } from "../../../http/idempotency.ts";
import { messageBody, messagesQuery } from "../../../services/schemas.ts";
import { conversationJson } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const query = readQuery(ctx.url, messagesQuery);
    const deps = domainDeps(ctx.state.app);
    if (query.with === undefined) {
      if (query.cursor) {
        throw new ValidationError("The conversation list is one page.", [
          { path: "cursor", message: "is only for a conversation (with=)" },
        ]);
      }
      const items = await listConversations(deps, user, query.limit);
      return json({
        items: items.map(conversationJson),
      });
    }
    const page = await listThread(deps, user, query.with, query);
    return json({ items: page.items.map(messageJson), nextCursor: page.nextCursor });
  },
  async POST(req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const body = await readJson(req, messageBody);
    const sent = ({ message, created }: Awaited<ReturnType<typeof sendMessage>>) =>
      answer(created ? 201 : 200, messageJson(message), `/api/messages/${message.id}`);
    return await idempotent(req, ctx.state.app.store, user.id, body, async (claim) => {
      return sent(await sendMessage(domainDeps(ctx.state.app), user, body, undefined, claim?.answering(sent)));
    });
  },
};
