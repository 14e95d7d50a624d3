import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { answerOrRemove } from "../../services/connections.ts";
import { Refusal, type RefusalData } from "../../components/Refusal.tsx";
import { HttpProblem } from "../../http/api.ts";
import { seeOther } from "../../http/forms.ts";
import { submitNetworkForm } from "../../http/network.ts";

const ACTIONS = ["accept", "ignore", "withdraw", "remove"] as const;
type Action = typeof ACTIONS[number];

// Accept, Ignore, Withdraw and Remove, without JavaScript.
export const handler: Handlers<RefusalData, AppState> = {
  GET: () => seeOther("/network"),
  POST: (req, ctx) =>
    submitNetworkForm(req, ctx, ["id", "action"], async ({ id, action }) => {
      if (!(ACTIONS as readonly string[]).includes(action) || !id) {
        throw new HttpProblem(400, "Bad Request", "The form is incomplete. Reload the page and try again.");
      }
      const caller = ctx.state.session.caller!.user;
      const { other } = await answerOrRemove(domainDeps(ctx.state.app), caller, id, action as Action);
      const name = `${other.firstName} ${other.lastName}`;
      return {
        accept: `You are now connected with ${name}.`,
        ignore: `You ignored ${name}'s invitation.`,
        withdraw: `Your invitation to ${name} was withdrawn.`,
        remove: `You are no longer connected with ${name}.`,
      }[action as Action];
    }),
};

export default function Act({ data }: PageProps<RefusalData>) {
  return <Refusal {...data} title="Nothing was changed" />;
}
