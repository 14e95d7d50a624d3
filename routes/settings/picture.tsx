import type { Handlers, PageProps } from "$fresh/server.ts";
import type { AppState } from "../../plugins/app.ts";
import { domainDeps } from "../../services/app.ts";
import { assertUploadRoom, changePicture } from "../../services/media/media.ts";
import { SettingsPage, type SettingsPageProps, settingsProps } from "../../components/SettingsPage.tsx";
import { assertFormSameSite, formFailure, formState, profileValues, seeOther, signInFirst } from "../../http/forms.ts";
import { formImages, readUploadForm } from "../../http/uploads.ts";

// A new profile picture from an upload, or none: the Settings picker, with or without JavaScript.
export const handler: Handlers<SettingsPageProps, AppState> = {
  GET: () => seeOther("/settings"),
  async POST(req, ctx) {
    const caller = ctx.state.session.caller;
    if (!caller) return signInFirst("/settings");
    try {
      await assertUploadRoom(domainDeps(ctx.state.app), caller.user);
      const form = await readUploadForm(req, ctx.url);
      assertFormSameSite(req, ctx, form);
      const [image] = form.get("remove") ? [] : await formImages(form, "picture");
      await changePicture(domainDeps(ctx.state.app), caller.user, form.get("remove") ? null : image ?? undefined);
      return seeOther("/settings?picture=saved");
    } catch (err) {
      const failure = formFailure(ctx, err, { picture: "The picture" });
      if (!failure) throw err;
      return ctx.render(
        settingsProps(caller.user, {
          profile: await formState(ctx, profileValues(caller.user)),
          picture: await formState(ctx, {}, failure),
          remove: await formState(ctx),
        }),
        { status: failure.status, headers: failure.headers },
      );
    }
  },
};

export default function SettingsPicture({ data }: PageProps<SettingsPageProps>) {
  return <SettingsPage {...data} />;
}
