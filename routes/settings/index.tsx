import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { updateProfile } from "../../services/users.ts";
import { PROFILE_LABELS, SettingsPage, type SettingsPageProps, settingsProps } from "../../components/SettingsPage.tsx";
import { validate } from "../../http/api.ts";
import {
  assertFormSameSite,
  formFailure,
  formState,
  NO_STORE,
  profileValues,
  readForm,
  seeOther,
  signInFirst,
  textFields,
} from "../../http/forms.ts";
import { profilePatch } from "../../services/schemas.ts";

const FIELDS = ["firstName", "lastName", "headline", "location", "bio"] as const;

export const handler: Handlers<SettingsPageProps, AppState> = {
  async GET(_req, ctx) {
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst("/settings");
    const saved = ctx.url.searchParams.get("saved") === "1"
      ? "profile"
      : ctx.url.searchParams.get("picture") === "saved"
      ? "picture"
      : null;
    return ctx.render(
      settingsProps(caller.user, {
        profile: await formState(ctx, profileValues(caller.user)),
        picture: await formState(ctx),
        remove: await formState(ctx),
      }, saved),
      { headers: NO_STORE },
    );
  },
  async POST(req, ctx) {
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst("/settings");
    let values = profileValues(caller.user);
    try {
      const form = await readForm(req);
      values = textFields(form, FIELDS);
      assertFormSameSite(req, ctx, form);
      const patch = validate(profilePatch, {
        ...values,
        // Browsers send a textarea's line breaks as CRLF; one break is one character, as the field counted it.
        bio: values.bio.replace(/\r\n?/g, "\n"),
      });
      await updateProfile(domainDeps(ctx.state.app), caller.user, caller.user.id, patch);
      return seeOther("/settings?saved=1");
    } catch (err) {
      const failure = formFailure(ctx, err, PROFILE_LABELS);
      if (!failure) throw err;
      return ctx.render(
        settingsProps(caller.user, {
          profile: await formState(ctx, values, failure),
          picture: await formState(ctx),
          remove: await formState(ctx),
        }),
        { status: failure.status, headers: failure.headers },
      );
    }
  },
};

export default function Settings({ data }: PageProps<SettingsPageProps>) {
  return <SettingsPage {...data} />;
}
