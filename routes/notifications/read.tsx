import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { markRead } from "../../services/notifications.ts";
import { Refusal, type RefusalData } from "../../components/Refusal.tsx";
import { seeOther } from "../../http/forms.ts";
import { submitNetworkForm } from "../../http/network.ts";

// "Mark all as read" without JavaScript.
export const handler: Handlers<RefusalData, AppState> = {
  GET: () => seeOther("/notifications"),
  POST: (req, ctx) =>
    submitNetworkForm(req, ctx, [], async () => {
      await markRead(ctx.state.app.store, ctx.state.session.caller!.user);
      return "All notifications are marked as read.";
    }, "/notifications"),
};

export default function ReadAll({ data }: PageProps<RefusalData>) {
  return <Refusal {...data} title="Nothing was changed" />;
}
