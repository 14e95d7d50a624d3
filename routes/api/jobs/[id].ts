import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { editJob, getJobView, removeJob } from "../../../services/jobs.ts";
import { json, readJson } from "../../../http/api.ts";
import { jobPatch } from "../../../services/schemas.ts";
import { jobJson } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  async GET(_req, ctx) {
    return json(jobJson(await getJobView(domainDeps(ctx.state.app), ctx.params.id)));
  },
  async PUT(req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const patch = await readJson(req, jobPatch);
    return json(jobJson(await editJob(domainDeps(ctx.state.app), user, ctx.params.id, patch)));
  },
  async DELETE(_req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    await removeJob(domainDeps(ctx.state.app), user, ctx.params.id);
    return new Response(null, { status: 204 });
  },
};
