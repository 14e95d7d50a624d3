import { Head } from "$fresh/runtime.ts";
import PicturePicker from "../islands/PicturePicker.tsx";
import { Avatar } from "./Avatar.tsx";
import { CsrfField, ErrorSummary, Field, type FormState, Notice, SubmitButton } from "./forms.tsx";

export interface SettingsPageProps {
  member: { firstName: string; lastName: string; pictureUrl: string | null };
  profile: FormState;
  picture: FormState;
  remove: FormState;
  /** Which form was just saved, to say so. */
  saved: "profile" | "picture" | null;
}

/** The page's props for a member: their picture as shown, and the state of each form. */
export function settingsProps(
  user: { firstName: string; lastName: string; profilePictureUrl: string | null },
  forms: Pick<SettingsPageProps, "profile" | "picture" | "remove">,
  saved: SettingsPageProps["saved"] = null,
): SettingsPageProps {
  return {
    member: { firstName: user.firstName, lastName: user.lastName, pictureUrl: user.profilePictureUrl },
    ...forms,
    saved,
  };
}

/** The labels of the profile form, also used to word its errors. */
export const PROFILE_LABELS = {
  firstName: "First name",
  lastName: "Last name",
  headline: "Headline",
  location: "Location",
  bio: "About",
};

/** Settings: the profile form, and apart from it, deleting the account behind a typed confirmation. */
export function SettingsPage(props: SettingsPageProps) {
  const { profile, remove } = props;
  const v = profile.values;
  const e = profile.errors;
  return (
    <>
      <Head>
        <title>Settings — Prok</title>
      </Head>
      <h1 class="text-3xl font-bold text-gray-900">Settings</h1>
      <section aria-labelledby="picture-title" class="mt-6 rounded-lg border border-gray-200 bg-white p-6 shadow-sm">
        <h2 id="picture-title" class="text-xl font-semibold text-gray-900">Your picture</h2>
        {props.saved === "picture" && <Notice>Your picture was saved.</Notice>}
        <ErrorSummary form={props.picture} id="picture-errors" level={3} />
        <div class="mt-4">
          <Avatar {...props.member} size="lg" />
        </div>
        <PicturePicker
          csrf={props.picture.csrf}
          hasPicture={props.member.pictureUrl !== null}
          error={props.picture.errors.picture}
        />
      </section>
      <section aria-labelledby="profile-title" class="mt-8 rounded-lg border border-gray-200 bg-white p-6 shadow-sm">
        <h2 id="profile-title" class="text-xl font-semibold text-gray-900">Your profile</h2>
        {props.saved === "profile" && <Notice>Your profile was saved.</Notice>}
        <ErrorSummary form={profile} id="profile-errors" level={3} />
        <form method="post" action="/settings" class="max-w-xl">
          <CsrfField token={profile.csrf} />
          <Field
            name="firstName"
            label={PROFILE_LABELS.firstName}
            value={v.firstName}
            error={e.firstName}
            autocomplete="given-name"
            maxlength={100}
            required
          />
          <Field
            name="lastName"
            label={PROFILE_LABELS.lastName}
            value={v.lastName}
            error={e.lastName}
            autocomplete="family-name"
            maxlength={100}
            required
          />
          <Field
            name="headline"
            label={PROFILE_LABELS.headline}
            hint="What you do, in a line: shown under your name."
            value={v.headline}
            error={e.headline}
            autocomplete="organization-title"
            maxlength={255}
          />
          <Field
            name="location"
            label={PROFILE_LABELS.location}
            value={v.location}
            error={e.location}
            autocomplete="address-level2"
            maxlength={255}
          />
          <Field name="bio" label={PROFILE_LABELS.bio} value={v.bio} error={e.bio} maxlength={2600} rows={6} />
          <SubmitButton>Save profile</SubmitButton>
        </form>
      </section>
      <section aria-labelledby="delete-title" class="mt-8 rounded-lg border border-red-200 bg-white p-6 shadow-sm">
        <h2 id="delete-title" class="text-xl font-semibold text-gray-900">Delete account</h2>
        <p class="mt-2 max-w-xl text-gray-700">
          Deleting your account removes your profile, and you can no longer sign in with it. This cannot be undone.
        </p>
        <ErrorSummary form={remove} id="delete-errors" level={3} />
        <form method="post" action="/settings/delete" class="max-w-xl">
          <CsrfField token={remove.csrf} />
          <Field
            name="confirm"
            label="Type DELETE to confirm"
            hint="Or type your email address."
            value={remove.values.confirm}
            error={remove.errors.confirm}
            autocomplete="off"
            maxlength={255}
            required
          />
          <SubmitButton danger>Delete my account</SubmitButton>
        </form>
      </section>
    </>
  );
}
