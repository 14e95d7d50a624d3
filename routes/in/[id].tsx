import { Head } from "$fresh/runtime.ts";
import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import type { Relation } from "../../services/connections.ts";
import { profilePage } from "../../services/users.ts";
import { Avatar } from "../../components/Avatar.tsx";
import { ConnectionActions, type RelationState } from "../../components/ConnectionActions.tsx";
import { FOCUS, Notice } from "../../components/forms.tsx";
import { takeFlash } from "../../http/flash.ts";
import { profilePath, signInFirst } from "../../http/forms.ts";
import { idParam } from "../../services/schemas.ts";
import { csrfToken } from "../../http/session.ts";
import { jobJson } from "../../http/serialize.ts";
import { type JobCard, JobList } from "../../components/JobPages.tsx";
import { mayPostJobs } from "../../services/jobs.ts";

interface Profile {
  id: string;
  firstName: string;
  lastName: string;
  headline: string;
  location: string;
  bio: string;
  pictureUrl: string | null;
  memberSince: string;
  own: boolean;
  degree: 1 | 2 | 3 | null;
  mutualCount: number;
  relation: RelationState;
  csrf: string;
  flash: string | null;
  jobs: JobCard[];
  recruiter: boolean;
}

function relationState(relation: Relation, callerId: string): RelationState {
  const c = relation.connection;
  if (!c) return { kind: "none" };
  if (c.status === "accepted") return { kind: "connected", connectionId: c.id };
  return { kind: c.senderId === callerId ? "outgoing" : "incoming", connectionId: c.id };
}

const DEGREE = { 1: "1st", 2: "2nd", 3: "3rd+" } as const;

// Profiles are for members: a visitor signs in first and comes back here.
export const handler: Handlers<Profile, AppState> = {
  async GET(req, ctx) {
    const { caller } = ctx.state.session;
    const id = ctx.params.id;
    if (!caller) return signInFirst(profilePath(id));
    if (!idParam.safeParse(id).success) return ctx.renderNotFound();
    const view = await profilePage(domainDeps(ctx.state.app), caller.user, id);
    const { user, relation, jobs } = view;
    return ctx.render({
      id: user.id,
      firstName: user.firstName,
      lastName: user.lastName,
      headline: user.headline,
      location: user.location,
      bio: user.bio,
      pictureUrl: user.profilePictureUrl,
      memberSince: user.createdAt.toISOString(),
      own: user.id === caller.user.id,
      degree: relation.degree,
      mutualCount: relation.mutualCount,
      relation: relationState(relation, caller.user.id),
      csrf: await csrfToken(ctx.state.app, ctx.state.session),
      flash: takeFlash(req, ctx),
      jobs: jobs.map(jobJson),
      recruiter: mayPostJobs(user),
    }, { headers: { "cache-control": "private, no-store" } });
  },
};

// Formatters made once: toLocaleString and its kin build a new ICU formatter at every call (30 µs for a time).
const SINCE = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" });
const COUNT = new Intl.NumberFormat("en");

export default function ProfilePage({ data: p }: PageProps<Profile>) {
  const name = `${p.firstName} ${p.lastName}`;
  const since = SINCE.format(new Date(p.memberSince));
  return (
    <>
      <Head>
        <title>{name} — Prok</title>
      </Head>
      {p.flash && <Notice>{p.flash}</Notice>}
      <article aria-labelledby="profile-name" class="rounded-lg border border-gray-200 bg-white p-6 shadow-sm">
        <div class="flex flex-wrap items-center gap-6">
          <Avatar firstName={p.firstName} lastName={p.lastName} pictureUrl={p.pictureUrl} size="lg" />
          <div class="min-w-0 flex-1">
            <h1 id="profile-name" class="break-words text-3xl font-bold text-gray-900">
              {name}
              {p.degree && (
                <span class="ml-2 align-middle text-base font-normal text-gray-600">
                  <span aria-hidden="true">·</span> {DEGREE[p.degree]}
                  <span class="sr-only">degree connection</span>
                </span>
              )}
            </h1>
            {p.headline && <p class="mt-1 break-words text-lg text-gray-800">{p.headline}</p>}
            {p.location && <p class="mt-1 break-words text-gray-700">{p.location}</p>}
            <p class="mt-1 text-sm text-gray-600">
              Member since <time datetime={p.memberSince}>{since}</time>
            </p>
            {p.mutualCount > 0 && (
              <p class="mt-1 text-sm text-gray-600">
                {p.mutualCount === 1 ? "1 mutual connection" : `${COUNT.format(p.mutualCount)} mutual connections`}
              </p>
            )}
          </div>
          {p.own && (
            <a
              href="/settings"
              class={`rounded-full border border-brand-700 px-4 py-1.5 font-semibold text-brand-700 hover:bg-brand-50 ${FOCUS}`}
            >
              Edit profile
            </a>
          )}
          {!p.own && <ConnectionActions csrf={p.csrf} memberId={p.id} name={name} state={p.relation} />}
        </div>
        {p.recruiter && (
          <section aria-labelledby="jobs-posted" class="mt-8">
            <h2 id="jobs-posted" class="text-xl font-semibold text-gray-900">Jobs posted</h2>
            <JobList jobs={p.jobs} empty={`${p.firstName} has no open jobs right now.`} level={3} />
          </section>
        )}
        {p.bio && (
          <section aria-labelledby="about" class="mt-8">
            <h2 id="about" class="text-xl font-semibold text-gray-900">About</h2>
            <p class="mt-2 whitespace-pre-wrap break-words text-gray-800">{p.bio}</p>
          </section>
        )}
      </article>
    </>
  );
}
