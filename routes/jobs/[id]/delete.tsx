import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { ForbiddenError } from "../../../services/errors.ts";
import { removeJob } from "../../../services/jobs.ts";
import { Refusal } from "../../../components/Refusal.tsx";
import { setFlash } from "../../../http/flash.ts";
import type { RefusalData } from "../../../components/Refusal.tsx";
import { assertFormSameSite, formFailure, NO_STORE, readForm, seeOther, signInFirst } from "../../../http/forms.ts";

const path = (id: string) => `/jobs/${encodeURIComponent(id)}`;

// The delete button of a job's page: its poster or an admin only.
export const handler: Handlers<RefusalData, AppState> = {
  GET: (_req, ctx) => seeOther(path(ctx.params.id)),
  async POST(req, ctx) {
    const caller = ctx.state.session.caller;
    const id = ctx.params.id;
    if (!caller) return signInFirst(path(id));
    try {
      assertFormSameSite(req, ctx, await readForm(req));
    } catch (err) {
      const failure = formFailure(ctx, err, {});
      if (!failure) throw err;
      return ctx.render({ problem: failure.problem ?? "", back: path(id) }, failure);
    }
    try {
      await removeJob(domainDeps(ctx.state.app), caller.user, id);
    } catch (err) {
      if (!(err instanceof ForbiddenError)) throw err;
      return ctx.render({ problem: err.message, back: path(id) }, { status: 403, headers: NO_STORE });
    }
    setFlash(ctx, "The job was deleted.");
    return seeOther("/jobs");
  },
};

export default function DeleteJob({ data }: PageProps<RefusalData>) {
  return <Refusal title="The job was not deleted" {...data} />;
}
