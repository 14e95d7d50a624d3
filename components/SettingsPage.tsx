import { Head } from "$fresh/runtime.ts";
import { CsrfField, ErrorSummary, Field, type FormState, Notice, SubmitButton } from "./forms.tsx";

export interface SettingsPageProps {
  profile: FormState;
  remove: FormState;
  saved: boolean;
}

/** The labels of the profile form, also used to word its errors. */
export const PROFILE_LABELS = {
  firstName: "First name",
  lastName: "Last name",
  headline: "Headline",
  location: "Location",
  bio: "About",
  profilePictureUrl: "Picture URL",
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
      <section aria-labelledby="profile-title" class="mt-6 rounded-lg border border-gray-200 bg-white p-6 shadow-sm">
        <h2 id="profile-title" class="text-xl font-semibold text-gray-900">Your profile</h2>
        {props.saved && <Notice>Your profile was saved.</Notice>}
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
          <Field
            name="profilePictureUrl"
            label={PROFILE_LABELS.profilePictureUrl}
            hint="The web address of a picture of you, starting with https://."
            type="url"
            value={v.profilePictureUrl}
            error={e.profilePictureUrl}
            autocomplete="photo"
            maxlength={2048}
          />
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
