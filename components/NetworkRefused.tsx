import { ErrorNotice } from "./ErrorNotice.tsx";
import { FOCUS } from "./forms.tsx";

/** Why a network form did nothing, with the way back to where the member was. */
export function NetworkRefused(props: { title: string; problem: string; back: string }) {
  return (
    <ErrorNotice title={props.title}>
      <p class="mt-4 text-gray-700">{props.problem}</p>
      <p class="mt-4">
        <a href={props.back} class={`font-semibold text-brand-700 underline ${FOCUS}`}>Go back</a>
      </p>
    </ErrorNotice>
  );
}
