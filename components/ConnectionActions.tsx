import { CsrfField, FOCUS } from "./forms.tsx";

/** What one member is to the viewer, as the buttons next to them need it. */
export type RelationState =
  | { kind: "none" }
  | { kind: "incoming" | "outgoing" | "connected"; connectionId: string };

const PRIMARY = `rounded-full bg-brand-700 px-4 py-1.5 font-semibold text-white hover:bg-brand-800 ${FOCUS}`;
const SECONDARY =
  `rounded-full border border-brand-700 px-4 py-1.5 font-semibold text-brand-700 hover:bg-brand-50 ${FOCUS}`;
const QUIET = `rounded-full px-4 py-1.5 font-semibold text-gray-700 hover:bg-gray-100 ${FOCUS}`;

/** One button that acts on an existing connection (accept, ignore, withdraw, remove) and comes back to `next`. */
function ActionButton(props: {
  csrf: string;
  connectionId: string;
  action: "accept" | "ignore" | "withdraw" | "remove";
  next: string;
  label: string;
  /** Says which member the button is about, for screen readers ("Accept Ada Lovelace's invitation"). */
  description: string;
  style?: "primary" | "secondary" | "quiet";
}) {
  const style = props.style === "primary" ? PRIMARY : props.style === "quiet" ? QUIET : SECONDARY;
  return (
    <form method="post" action="/network/act">
      <CsrfField token={props.csrf} />
      <input type="hidden" name="id" value={props.connectionId} />
      <input type="hidden" name="action" value={props.action} />
      <input type="hidden" name="next" value={props.next} />
      <button type="submit" class={style} aria-label={props.description}>{props.label}</button>
    </form>
  );
}

/** "Connect", with a note that opens in a plain <details> (no JavaScript). */
export function ConnectForm(props: { csrf: string; memberId: string; name: string; next: string; idPrefix: string }) {
  const noteId = `${props.idPrefix}-note`;
  return (
    <form method="post" action="/network/invite" class="flex flex-wrap items-start gap-2">
      <CsrfField token={props.csrf} />
      <input type="hidden" name="receiverId" value={props.memberId} />
      <input type="hidden" name="next" value={props.next} />
      <details class="w-full order-2 text-sm">
        <summary class={`cursor-pointer text-brand-700 underline ${FOCUS}`}>Add a note</summary>
        <label for={noteId} class="mt-2 block font-medium text-gray-900">Note to {props.name} (optional)</label>
        <textarea
          id={noteId}
          name="message"
          rows={3}
          maxLength={300}
          class="mt-1 block w-full rounded-md border border-gray-400 px-3 py-2 focus:outline-none focus:ring-2 focus:ring-brand-600"
        />
        <p class="mt-1 text-gray-600">Up to 300 characters.</p>
      </details>
      <button type="submit" class={PRIMARY} aria-label={`Connect with ${props.name}`}>Connect</button>
    </form>
  );
}

/** The buttons for an existing relation: accept or ignore an invitation, withdraw one, or end a connection. */
export function RelationButtons(props: {
  csrf: string;
  connectionId: string;
  next: string;
  name: string;
  kind: "incoming" | "outgoing" | "connected";
}) {
  const { name } = props;
  const act = (
    action: "accept" | "ignore" | "withdraw" | "remove",
    label: string,
    description: string,
    style: "primary" | "quiet" = "quiet",
  ) => (
    <ActionButton
      csrf={props.csrf}
      connectionId={props.connectionId}
      action={action}
      next={props.next}
      label={label}
      description={description}
      style={style}
    />
  );
  if (props.kind === "incoming") {
    return (
      <>
        {act("accept", "Accept", `Accept ${name}'s invitation`, "primary")}
        {act("ignore", "Ignore", `Ignore ${name}'s invitation`)}
      </>
    );
  }
  if (props.kind === "outgoing") return act("withdraw", "Withdraw", `Withdraw your invitation to ${name}`);
  return act("remove", "Remove connection", `Remove your connection with ${name}`);
}

const SAYS = { incoming: "invited you to connect.", outgoing: "Invitation sent", connected: "" };

/** The buttons a profile shows for its member's relation to the viewer. */
export function ConnectionActions(props: { csrf: string; memberId: string; name: string; state: RelationState }) {
  const { state, csrf, name } = props;
  const next = `/in/${encodeURIComponent(props.memberId)}`;
  if (state.kind === "none") {
    return <ConnectForm csrf={csrf} memberId={props.memberId} name={name} next={next} idPrefix="profile" />;
  }
  const says = state.kind === "incoming" ? `${name} ${SAYS.incoming}` : SAYS[state.kind];
  return (
    <div class="flex flex-wrap items-center gap-2">
      {says && <p class="text-sm text-gray-700">{says}</p>}
      {state.kind === "connected" && (
        <a href={`/messaging/${encodeURIComponent(props.memberId)}`} class={PRIMARY}>Message</a>
      )}
      <RelationButtons csrf={csrf} connectionId={state.connectionId} next={next} name={name} kind={state.kind} />
    </div>
  );
}
