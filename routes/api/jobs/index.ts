import type { Handlers } from "$fresh/server.ts";
import type { AppState } from "../../../plugins/app.ts";
import { domainDeps } from "../../../services/app.ts";
import { listJobs, postJob } from "../../../services/jobs.ts";
import { json, readJson, readQuery } from "../../../http/api.ts";
import { idempotent } from "../../../http/idempotency.ts";
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
    return await idempotent(req, ctx.state.app.store, user.id, body, async () => {
      const view = await postJob(domainDeps(ctx.state.app), user, body);
      return json(jobJson(view), { status: 201, headers: { location: `/api/jobs/${view.job.id}` } });
    });
  },
};
