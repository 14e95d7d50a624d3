import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { type JobView, listJobs, postJob } from "../../../services/jobs.ts";
import { json, readJson, readQuery } from "../../../http/api.ts";
import { answer, idempotent } from "../../../http/idempotency.ts";
import { jobBody, jobsQuery } from "../../../services/schemas.ts";
import { jobJson } from "../../../http/serialize.ts";
import { requireCaller } from "../../../http/session.ts";

export const handler: Handlers<unknown, AppState> = {
  // Jobs are public: signed in or not.
  async GET(_req, ctx) {
    const page = await listJobs(domainDeps(ctx.state.app), readQuery(ctx.url, jobsQuery));
    return json({ items: page.items.map(jobJson), nextCursor: page.nextCursor });
  },
  async POST(req, ctx) {
    const { user } = requireCaller(ctx.state.session);
    const body = await readJson(req, jobBody);
    const created = (view: JobView) => answer(201, jobJson(view), `/api/jobs/${view.job.id}`);
    return await idempotent(req, ctx.state.app.store, user.id, body, async (claim) => {
      return created(await postJob(domainDeps(ctx.state.app), user, body, claim?.answering(created)));
    });
  },
};
