// A small demo network for a fresh development store, so a newcomer has someone to look at. Every demo member is
// marked as such in their headline, has a drawn profile picture, and they share one password that start-up prints
// once.
import { giveGeneratedAvatars } from "./media/generated_avatars.ts";
import type { MediaDeps } from "./media/media.ts";
import type { PasswordHasher } from "./passwords.ts";
import type { MembersPort } from "./store/ports/members.ts";

/** What seeding the demo uses: the members' store, and the media service's ports for their pictures. */
export type DemoDeps = MediaDeps & { store: MembersPort; hasher: PasswordHasher };

const PEOPLE = [
  ["Amara", "Okafor", "Product designer", "Lagos", "recruiter"],
  ["Jonas", "Becker", "Backend engineer", "Berlin", "member"],
  ["Mei", "Tanaka", "Data scientist", "Osaka", "member"],
  ["Lucía", "Fernández", "Engineering manager", "Madrid", "recruiter"],
  ["Omar", "Haddad", "Site reliability engineer", "Amman", "member"],
  ["Priya", "Raman", "Frontend developer", "Bengaluru", "member"],
] as const;

export interface DemoResult {
  emails: string[];
  password: string;
}

/** Seeds the demo members when the store has no member at all; null when it already had some. */
export async function seedDemo(deps: DemoDeps): Promise<DemoResult | null> {
  const { store, hasher } = deps;
  if ((await store.listUsers({ limit: 1 })).items.length > 0) return null;
  const password = `demo-${crypto.randomUUID().slice(0, 13)}`;
  const passwordHash = await hasher.hash(password);
  const emails: string[] = [];
  const ids: string[] = [];
  for (const [firstName, lastName, job, location, role] of PEOPLE) {
    const email = `${firstName.toLowerCase().normalize("NFD").replace(/[^a-z]/g, "")}.demo@prok.test`;
    const user = await store.createUser({
      email,
      passwordHash,
      firstName,
      lastName,
      role,
      headline: `${job} · demo member`,
      location,
      bio: "This is a demo account created for a fresh development install. It is not a real person.",
    });
    emails.push(email);
    ids.push(user.id);
  }
  await giveGeneratedAvatars(deps, ids);
  return { emails, password };
}
