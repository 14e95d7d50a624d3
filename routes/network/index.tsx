import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { networkOverview } from "../../services/connections.ts";
import { NetworkPage, type NetworkPageProps } from "../../components/NetworkPage.tsx";
import { takeFlash } from "../../http/flash.ts";
import { NO_STORE, signInFirst } from "../../http/forms.ts";
import { networkList } from "../../http/network.ts";
import { userSummary } from "../../http/serialize.ts";
import { csrfToken } from "../../http/session.ts";

export const handler: Handlers<NetworkPageProps, AppState> = {
  async GET(req, ctx) {
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst("/network");
    const me = caller.user;
    const overview = await networkOverview(domainDeps(ctx.state.app), me, { list: 10, suggestions: 12 });
    return ctx.render({
      csrf: await csrfToken(ctx.state.app, ctx.state.session),
      flash: takeFlash(req, ctx),
      view: "overview",
      lists: {
        received: networkList(overview.received, me.id),
        sent: networkList(overview.sent, me.id),
        connections: networkList(overview.connections, me.id),
      },
      suggestions: overview.suggestions.map((s) => ({ member: userSummary(s.user), reason: s.reason })),
    }, { headers: NO_STORE });
  },
};

export default function Network({ data }: PageProps<NetworkPageProps>) {
  return <NetworkPage {...data} />;
}
