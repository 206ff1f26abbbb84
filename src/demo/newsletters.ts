/**
 * The demo's newsletters: a weekday morning briefing of every section, a
 * Sunday city digest and breaking-news alerts, each with a few subscribers
 * whose consent is recorded as the demo's own (addresses at example.org,
 * which receive nothing: without GAZETTE_SMTP_URL issues go to the outbox
 * folder), and the next morning briefing waiting as a draft for an editor.
 */
import { nextScheduledAt, newsletterInputSchema } from "../content/newsletter.ts";
import type { Db } from "../store/database.ts";
import {
  createIssue,
  createNewsletter,
  findOrCreateSubscriber,
  subscribeConfirmed,
} from "../store/newsletter-store.ts";
import { latestForDigest } from "../store/story-queries.ts";

const NEWSLETTERS = [
  {
    slug: "morning-briefing",
    name: "Morning briefing",
    description: "The stories that matter along the Ellery coast, every weekday before eight.",
    schedule: { days: ["mon", "tue", "wed", "thu", "fri"] as const, time: "07:00" },
    sectionSlugs: [],
    readers: ["amara.osei", "jonas.berg", "li.wen", "maria.costa", "pat.doyle"],
  },
  {
    slug: "city-weekly",
    name: "City weekly",
    description: "A Sunday read on the council, the harbour and the neighbourhoods of Port Ellery.",
    schedule: { days: ["sun"] as const, time: "18:30" },
    sectionSlugs: ["city"],
    readers: ["amara.osei", "li.wen", "sam.ruiz"],
  },
  {
    slug: "breaking-news",
    name: "Breaking news",
    description: "Only when something big happens: one headline, one line, one link.",
    schedule: null,
    sectionSlugs: [],
    readers: ["jonas.berg", "maria.costa", "sam.ruiz", "pat.doyle"],
  },
];

export async function seedDemoNewsletters(db: Db, timeZone: string, now: Date): Promise<void> {
  for (const d of NEWSLETTERS) {
    const settings = newsletterInputSchema.parse({
      slug: d.slug,
      name: d.name,
      description: d.description,
      fromName: "The Gazette Daily",
      fromEmail: "newsletters@gazette.example.org",
      replyTo: "letters@gazette.example.org",
      sectionSlugs: d.sectionSlugs,
      schedule: d.schedule ? { days: [...d.schedule.days], time: d.schedule.time } : null,
    });
    const n = await createNewsletter(
      db,
      settings,
      settings.schedule ? nextScheduledAt(settings.schedule, now, timeZone).toISOString() : null,
      now,
    );
    for (const local of d.readers) {
      const s = await findOrCreateSubscriber(db, `${local}@example.org`, "import", null, now);
      await subscribeConfirmed(
        db,
        s.id,
        n.id,
        {
          basis: "imported-consent",
          at: now.toISOString(),
          page: "the demo newsroom's seed",
          wording: "Demo readers, made up for this project.",
        },
        now,
      );
    }
    if (d.slug === "morning-briefing") {
      const stories = await latestForDigest(db, {
        sectionSlugs: [],
        topicNames: [],
        since: new Date(now.getTime() - 30 * 86_400_000).toISOString(),
        limit: 5,
      });
      if (stories.length)
        await createIssue(
          db,
          {
            newsletterId: n.id,
            kind: "digest",
            subject: `Morning briefing: ${stories[0]!.headline}`.slice(0, 200),
            intro: "Good morning. Here is what the newsroom is following today.",
            storyIds: stories.map((s) => s.id),
            url: null,
            status: "draft",
            sendAt: null,
            createdBy: null,
          },
          now,
        );
    }
  }
}
