import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { invite } from "../../services/connections.ts";
import { Refusal, type RefusalData } from "../../components/Refusal.tsx";
import { validate } from "../../http/api.ts";
import { seeOther } from "../../http/forms.ts";
import { submitNetworkForm } from "../../http/network.ts";
import { connectionBody } from "../../services/schemas.ts";

// The Connect button of profiles and suggestions, without JavaScript.
export const handler: Handlers<RefusalData, AppState> = {
  GET: () => seeOther("/network"),
  POST: (req, ctx) =>
    submitNetworkForm(req, ctx, ["receiverId", "message"], async (values) => {
      // Browsers send a textarea's line breaks as CRLF; one break is one character, as the limit counts it.
      const input = validate(connectionBody, {
        receiverId: values.receiverId,
        message: values.message.replace(/\r\n?/g, "\n"),
      });
      const { receiver } = await invite(domainDeps(ctx.state.app), ctx.state.session.caller!.user, input);
      return `Invitation sent to ${receiver.firstName} ${receiver.lastName}.`;
    }),
};

export default function Invite({ data }: PageProps<RefusalData>) {
  return <Refusal {...data} title="The invitation was not sent" />;
}
