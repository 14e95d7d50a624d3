import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { ValidationError } from "../../services/errors.ts";
import { deleteAccount } from "../../services/users.ts";
import { SettingsPage, type SettingsPageProps, settingsProps } from "../../components/SettingsPage.tsx";
import {
  assertFormSameSite,
  formFailure,
  formState,
  profileValues,
  readForm,
  seeOther,
  setSessionCookies,
  signInFirst,
  textFields,
} from "../../http/forms.ts";
import { clearedSessionCookies } from "../../http/session.ts";

const LABELS = { confirm: "The confirmation" };

// Deleting the account needs the word DELETE (or the member's own email) typed in: a stray click or a pre-filled
// form cannot do it.
export const handler: Handlers<SettingsPageProps, AppState> = {
  GET: () => seeOther("/settings"),
  async POST(req, ctx) {
    const { session } = ctx.state;
    const caller = session.caller;
    if (!caller) return signInFirst("/settings");
    let confirm = "";
    try {
      const form = await readForm(req);
      confirm = textFields(form, ["confirm"]).confirm;
      assertFormSameSite(req, ctx, form);
      const typed = confirm.trim();
      if (typed !== "DELETE" && typed.toLowerCase() !== caller.user.email.toLowerCase()) {
        throw new ValidationError("The account was not deleted.", [
          { path: "confirm", message: "must be the word DELETE in capitals, or your email address" },
        ]);
      }
      await deleteAccount(domainDeps(ctx.state.app), caller.user, caller.user.id);
      setSessionCookies(session, clearedSessionCookies(session.secure));
      return seeOther("/?deleted=1");
    } catch (err) {
      const failure = formFailure(ctx, err, LABELS);
      if (!failure) throw err;
      return ctx.render(
        settingsProps(caller.user, {
          profile: await formState(ctx, profileValues(caller.user)),
          picture: await formState(ctx),
          remove: await formState(ctx, { confirm }, failure),
        }),
        { status: failure.status, headers: failure.headers },
      );
    }
  },
};

export default function DeleteAccount({ data }: PageProps<SettingsPageProps>) {
  return <SettingsPage {...data} />;
}
