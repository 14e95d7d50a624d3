// Deterministic, realistic-looking content for `deno task seed`: generated from word lists with a seeded PRNG, so the
// same flags always give the same network (and nothing is downloaded).

/** mulberry32: small, fast and good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = (
  "Aaliyah Abebe Adaeze Aditi Ahmed Aiko Akira Alejandro Aleksandra Alice Amara Amir Ana Anders Andrea Aneesh Anika " +
  "Anton Aria Arjun Astrid Aya Ayesha Bao Beatriz Benjamin Bilal Björn Camila Carlos Chen Chiara Chloé Chinedu Dalia " +
  "Daniel Dario Dmitri Ebo Elena Elif Emeka Emil Emma Esther Fatima Felipe Freya Gabriel Grace Hana Hannah Hiroshi " +
  "Ibrahim Ines Ingrid Isabel Ivan Jamal Jana João Jonas Julia Kai Kamala Karim Kenji Kofi Lars Layla Leila Li Lina " +
  "Lucas Lucía Luis Maja Malik Mariam Marta Mateo Mei Mohammed Nadia Naledi Nia Nikolai Noah Nour Olga Omar Oskar " +
  "Pablo Priya Rafael Rania Ravi Rin Rosa Sakura Samir Sara Sebastian Shreya Sofia Soo-ah Tariq Thandiwe Tomás Uma " +
  "Valentina Victor Wei Yara Yusuf Zainab Zoë"
).split(" ");
const LAST = (
  "Abara Adeyemi Ahmadi Alves Andersson Bakr Banerjee Becker Bianchi Borges Castillo Chatterjee Chen Cohen Costa " +
  "Dahl Das Dubois Eriksen Fernández Fischer Fofana García Gómez Gupta Haddad Hansen Hashemi Hernández Hoffmann " +
  "Hossain Ibáñez Ito Ivanova Jensen Jovanović Kaya Khan Kim Kowalski Kumar Larsen Lee Lindqvist López Lungu Mahlangu " +
  "Martín Mensah Mishra Moreau Müller Murphy Nakamura Nguyen Novak Nwosu Okafor Okonkwo Olsen Park Patel Pereira " +
  "Petrov Popescu Quispe Rahman Ramos Reddy Rossi Sato Schmidt Schneider Silva Singh Smith Sokolov Suzuki Tanaka " +
  "Torres Tran Van Dijk Vargas Wagner Wang Weber Williams Wójcik Yamamoto Yilmaz Zhang Zulu"
).split(" ");
const ROLES = (
  "Software Engineer|Senior Software Engineer|Staff Engineer|Product Manager|Product Designer|UX Researcher|" +
  "Data Scientist|Data Engineer|Engineering Manager|Site Reliability Engineer|Security Engineer|Technical Writer|" +
  "Frontend Developer|Backend Developer|Mobile Developer|DevOps Engineer|Marketing Lead|Sales Director|" +
  "Recruiter|Talent Partner|Founder|CTO|Head of Design|Solutions Architect|QA Engineer|Machine Learning Engineer"
).split("|");
const FIELDS = (
  "fintech|healthcare|climate tech|logistics|e-commerce|education|open source|developer tools|gaming|" +
  "public sector|media|energy|robotics|travel|insurance|biotech|cybersecurity|retail"
).split("|");
export const CITIES = (
  "Berlin|Lagos|São Paulo|Bengaluru|Toronto|Nairobi|Warsaw|Lisbon|Seoul|Mexico City|Amsterdam|Stockholm|Cairo|" +
  "Jakarta|Manila|Madrid|Paris|London|Dublin|Austin|Seattle|New York|Singapore|Tokyo|Osaka|Sydney|Cape Town|Accra|" +
  "Istanbul|Buenos Aires|Bogotá|Lima|Kraków|Prague|Vienna|Zurich|Copenhagen|Oslo|Helsinki|Tallinn|Bucharest|Athens"
).split("|");

const OPENERS = [
  "Excited to share that",
  "Some thoughts after a long week:",
  "Today I learned",
  "A small win worth celebrating:",
  "Hot take:",
  "After three years on the team,",
  "We're hiring!",
  "Lessons from shipping our latest release:",
  "Grateful for my colleagues —",
  "Question for the network:",
];
const SUBJECTS = [
  "our on-call rotation",
  "the new onboarding flow",
  "a migration to keyset pagination",
  "our accessibility audit",
  "the design system",
  "our hiring process",
  "cutting page weight by half",
  "mentoring junior engineers",
  "remote-first collaboration",
  "an incident review",
  "pairing with product",
  "a conference talk",
  "the quarterly roadmap",
  "writing better documentation",
];
const MIDDLES = [
  "turned out to be simpler than we feared",
  "taught me more than any course",
  "cut our p99 latency dramatically",
  "made the whole team happier",
  "needed more patience than code",
  "is finally live for every user",
  "sparked a great discussion",
  "saved us hours every week",
];
const CLOSERS = [
  "What would you have done differently?",
  "Thanks to everyone who helped. 🙏",
  "More details in the write-up:",
  "Happy to chat if you're working on something similar.",
  "#engineering #leadership",
  "Onwards! 🚀",
  "Curious how others handle this.",
  "",
];

export class Generator {
  readonly random: () => number;

  constructor(seed: number) {
    this.random = prng(seed);
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)];
  }

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  member(n: number) {
    const firstName = this.pick(FIRST);
    const lastName = this.pick(LAST);
    const role = this.pick(ROLES);
    return {
      firstName,
      lastName,
      email: `${firstName}.${lastName}.${n}`.toLowerCase().normalize("NFD").replace(/[^a-z0-9.]/g, "") +
        "@seed.prok.test",
      headline: `${role} · ${this.pick(FIELDS)}`,
      location: this.pick(CITIES),
      role: (role === "Recruiter" || role === "Talent Partner" ? "recruiter" : "member") as "member" | "recruiter",
    };
  }

  /**
   * A post of one to four sentences after an opener. After an opener that ends a sentence ("Hot take:", "We're
   * hiring!") the first sentence starts with a capital; otherwise it carries the opener's sentence on. Paragraph
   * breaks, when a post has them, fall between sentences, never inside one.
   */
  post(): string {
    const count = 1 + this.int(4);
    const opener = this.pick(OPENERS);
    const sentences: string[] = [];
    for (let i = 0; i < count; i++) {
      const body = `${this.pick(SUBJECTS)} ${this.pick(MIDDLES)}.`;
      sentences.push(i ? `${this.pick(LINKS)} ${body}` : /[:.!?]$/.test(opener) ? capitalise(body) : body);
    }
    const closer = this.pick(CLOSERS);
    if (closer) sentences.push(closer);
    if (closer.endsWith(":")) sentences[sentences.length - 1] += ` https://blog.example.com/posts/${this.int(100_000)}`;
    const separator = this.random() < 0.3 ? "\n\n" : " ";
    return `${opener} ${sentences.join(separator)}`;
  }
}

const LINKS = ["Also,", "On top of that,", "And", "Meanwhile,", "Separately,"];

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
