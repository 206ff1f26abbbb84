/**
 * A newsletter with a large list, made straight in the store (the kill test
 * and the newsletter benchmark): addresses reader0@readers.example … , each
 * subscribed and active, inserted in batches in transactions.
 */
import crypto from "node:crypto";
import type { Db } from "../src/store/database.ts";
import { type Newsletter, createNewsletter } from "../src/store/newsletter-store.ts";

export async function newsletterWithSubscribers(
  db: Db,
  n: { slug: string; name: string; fromEmail: string },
  count: number,
): Promise<Newsletter> {
  const newsletter = await createNewsletter(
    db,
    {
      ...n,
      description: "",
      fromName: "The Gazette Daily",
      replyTo: null,
      sectionSlugs: [],
      topicNames: [],
      schedule: null,
      autoSend: true,
      digestSize: 8,
      listed: true,
    },
    null,
  );
  const now = new Date().toISOString();
  for (let start = 0; start < count; start += 1000) {
    await db.transaction().execute(async (tx) => {
      const rows = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
        email: `reader${start + i}@readers.example`,
        token: crypto.randomBytes(18).toString("base64url"),
        source: "import",
        created_at: now,
      }));
      for (let i = 0; i < rows.length; i += 250) {
        const ids = await tx
          .insertInto("subscribers")
          .values(rows.slice(i, i + 250))
          .returning("id")
          .execute();
        await tx
          .insertInto("subscriptions")
          .values(
            ids.map((r) => ({
              subscriber_id: r.id,
              newsletter_id: newsletter.id,
              status: "active",
              consent: "{}",
              subscribed_at: now,
              updated_at: now,
            })),
          )
          .execute();
      }
    });
  }
  return newsletter;
}
