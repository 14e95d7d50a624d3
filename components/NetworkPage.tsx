import { Head } from "$fresh/runtime.ts";
import type { ComponentChildren } from "preact";
import { Avatar } from "./Avatar.tsx";
import { ConnectForm, RelationButtons } from "./ConnectionActions.tsx";
import { FOCUS, LINK, Notice, ProblemNotice } from "./forms.tsx";

export interface NetworkMember {
  id: string;
  firstName: string;
  lastName: string;
  headline: string;
  profilePictureUrl: string | null;
}

export interface NetworkEntry {
  connectionId: string;
  /** The other member. */
  member: NetworkMember;
  /** The invitation's note. */
  message: string;
  createdAt: string;
}

export interface NetworkList {
  items: NetworkEntry[];
  nextCursor: string | null;
}

export type NetworkSection = "received" | "sent" | "connections";

export interface NetworkPageProps {
  csrf: string;
  flash: string | null;
  /** The overview shows every section briefly; a section page shows one in full, page by page. */
  view: "overview" | NetworkSection;
  lists: Partial<Record<NetworkSection, NetworkList>>;
  suggestions?: { member: NetworkMember; reason: string }[];
  /** True on a section page after its first page. */
  paged?: boolean;
  problem?: string;
}

const TITLES: Record<NetworkSection, string> = {
  received: "Invitations",
  sent: "Sent invitations",
  connections: "Connections",
};

const EMPTY: Record<NetworkSection, string> = {
  received: "No invitations are waiting for you.",
  sent: "You have no invitations waiting for an answer.",
  connections: "You have no connections yet. Invite people you know from the suggestions.",
};

const KIND = { received: "incoming", sent: "outgoing", connections: "connected" } as const;

const nameOf = (m: NetworkMember) => `${m.firstName} ${m.lastName}`;
const profile = (m: NetworkMember) => `/in/${encodeURIComponent(m.id)}`;

function MemberRow(props: { member: NetworkMember; children: ComponentChildren; extra?: ComponentChildren }) {
  const m = props.member;
  return (
    <li class="flex flex-wrap items-start gap-4 border-t border-gray-200 py-4 first:border-t-0">
      <Avatar firstName={m.firstName} lastName={m.lastName} pictureUrl={m.profilePictureUrl} size="sm" />
      <div class="min-w-0 flex-1 basis-48">
        <a href={profile(m)} class={`break-words font-semibold text-gray-900 hover:underline ${FOCUS}`}>
          {nameOf(m)}
        </a>
        {m.headline && <p class="break-words text-sm text-gray-700">{m.headline}</p>}
        {props.extra}
      </div>
      <div class="flex flex-wrap items-center gap-2">{props.children}</div>
    </li>
  );
}

function Entries(props: { section: NetworkSection; list: NetworkList; csrf: string; next: string }) {
  const { section, csrf, next } = props;
  if (props.list.items.length === 0) return <p class="mt-2 text-gray-700">{EMPTY[section]}</p>;
  return (
    <ul class="mt-2">
      {props.list.items.map((e) => (
        <MemberRow
          key={e.connectionId}
          member={e.member}
          extra={e.message && (
            <blockquote class="mt-2 whitespace-pre-wrap break-words border-l-4 border-gray-300 pl-3 text-gray-800">
              {e.message}
            </blockquote>
          )}
        >
          {section === "connections" && (
            <a
              href={`/messaging/${encodeURIComponent(e.member.id)}`}
              class={`rounded-full border border-brand-700 px-4 py-1.5 font-semibold text-brand-700 hover:bg-brand-50 ${FOCUS}`}
              aria-label={`Message ${nameOf(e.member)}`}
            >
              Message
            </a>
          )}
          <RelationButtons
            csrf={csrf}
            connectionId={e.connectionId}
            next={next}
            name={nameOf(e.member)}
            kind={KIND[section]}
          />
        </MemberRow>
      ))}
    </ul>
  );
}

function Section(props: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={props.id} class="mt-6 rounded-lg border border-gray-200 bg-white p-6 shadow-sm">
      <h2 id={props.id} class="text-lg font-semibold text-gray-900">{props.title}</h2>
      {props.children}
    </section>
  );
}

function Suggestions(props: { items: NonNullable<NetworkPageProps["suggestions"]>; csrf: string }) {
  if (props.items.length === 0) {
    return (
      <p class="mt-2 text-gray-700">
        No suggestions yet. Add your location and headline in <a href="/settings" class={LINK}>your profile</a>{" "}
        to meet people near you and in your field.
      </p>
    );
  }
  return (
    <ul class="mt-2">
      {props.items.map((s, i) => (
        <MemberRow key={s.member.id} member={s.member} extra={<p class="text-sm text-gray-600">{s.reason}</p>}>
          <ConnectForm
            csrf={props.csrf}
            memberId={s.member.id}
            name={nameOf(s.member)}
            next="/network"
            idPrefix={`suggestion-${i}`}
          />
        </MemberRow>
      ))}
    </ul>
  );
}

/** "My network": invitations received and sent, connections, and people you may know; plain forms throughout. */
export function NetworkPage(props: NetworkPageProps) {
  const here = props.view === "overview" ? "/network" : `/network/${props.view}`;
  const sections: NetworkSection[] = props.view === "overview" ? ["received", "sent", "connections"] : [props.view];
  return (
    <>
      <Head>
        <title>{props.view === "overview" ? "My network" : TITLES[props.view]} — Prok</title>
      </Head>
      <div class="mx-auto max-w-3xl">
        <h1 class="text-2xl font-bold text-gray-900">
          {props.view === "overview" ? "My network" : TITLES[props.view]}
        </h1>
        <nav aria-label="My network" class="mt-2 flex flex-wrap gap-4 text-sm">
          {(["overview", "received", "sent", "connections"] as const).map((v) => (
            <a
              href={v === "overview" ? "/network" : `/network/${v}`}
              aria-current={v === props.view ? "page" : undefined}
              class={`${v === props.view ? "font-bold text-gray-900" : "text-brand-700 underline"} ${FOCUS}`}
            >
              {v === "overview" ? "Overview" : TITLES[v]}
            </a>
          ))}
        </nav>
        {props.flash && <Notice>{props.flash}</Notice>}
        {props.problem && (
          <ProblemNotice back={{ href: here, label: "Go to the first page" }}>{props.problem}</ProblemNotice>
        )}
        {sections.map((section) => {
          const list = props.lists[section];
          if (!list) return null;
          return (
            <Section key={section} id={`${section}-title`} title={TITLES[section]}>
              <Entries section={section} list={list} csrf={props.csrf} next={here} />
              {list.nextCursor && (
                <p class="mt-4">
                  <a
                    href={`/network/${section}${
                      props.view === "overview" ? "" : `?cursor=${encodeURIComponent(list.nextCursor)}`
                    }`}
                    class={LINK}
                  >
                    {props.view === "overview" ? `See all ${TITLES[section].toLowerCase()}` : "Show more"}
                  </a>
                </p>
              )}
              {props.paged && (
                <p class="mt-4">
                  <a href={here} class={LINK}>Back to the first page</a>
                </p>
              )}
            </Section>
          );
        })}
        {props.suggestions && (
          <Section id="suggestions-title" title="People you may know">
            <Suggestions items={props.suggestions} csrf={props.csrf} />
          </Section>
        )}
      </div>
    </>
  );
}
