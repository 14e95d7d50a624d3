import { ErrorNotice } from "./ErrorNotice.tsx";
import { LINK } from "./forms.tsx";

/** What a refused form renders: why, and the page to go back to. */
export interface RefusalData {
  problem: string;
  back: string;
}

/** Why a form did nothing, with the way back to where the member was. */
export function Refusal(props: RefusalData & { title: string; backLabel?: string }) {
  return (
    <ErrorNotice title={props.title}>
      <p class="mt-4 text-gray-700">{props.problem}</p>
      <p class="mt-4">
        <a href={props.back} class={LINK}>{props.backLabel ?? "Go back"}</a>
      </p>
    </ErrorNotice>
  );
}
