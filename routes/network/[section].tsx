import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { listConnections } from "../../services/connections.ts";
import { listProblem } from "../../http/pages.ts";
import { NetworkPage, type NetworkPageProps, type NetworkSection } from "../../components/NetworkPage.tsx";
import { takeFlash } from "../../http/flash.ts";
import { NO_STORE, signInFirst } from "../../http/forms.ts";
import { networkList } from "../../http/network.ts";
import { csrfToken } from "../../http/session.ts";

const QUERIES = {
  received: { status: "pending", direction: "incoming" },
  sent: { status: "pending", direction: "outgoing" },
  connections: { status: "accepted" },
} as const;
const PAGE_SIZE = 20;

// One list of "My network" in full, 20 at a time.
export const handler: Handlers<NetworkPageProps, AppState> = {
  async GET(req, ctx) {
    const section = ctx.params.section as NetworkSection;
    if (!Object.hasOwn(QUERIES, section)) return ctx.renderNotFound();
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst(`/network/${section}`);
    const cursor = ctx.url.searchParams.get("cursor") || undefined;
    const data: NetworkPageProps = {
      csrf: await csrfToken(ctx.state.app, ctx.state.session),
      flash: takeFlash(req, ctx),
      view: section,
      lists: {},
      paged: cursor !== undefined,
    };
    try {
      const page = await listConnections(domainDeps(ctx.state.app), caller.user, {
        ...QUERIES[section],
        limit: PAGE_SIZE,
        cursor,
      });
      data.lists[section] = networkList(page, caller.user.id);
    } catch (err) {
      const failure = listProblem(err, "page");
      if (!failure) throw err;
      data.problem = failure.problem;
      return ctx.render(data, { status: failure.status, headers: NO_STORE });
    }
    return ctx.render(data, { headers: NO_STORE });
  },
};

export default function NetworkSectionPage({ data }: PageProps<NetworkPageProps>) {
  return <NetworkPage {...data} />;
}
