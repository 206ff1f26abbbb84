/** Site pages: editorial standards, about, contact. */
import { z } from "zod";
import { type Block, type PageInput, blockSchema, pageInputSchema } from "../content/model.ts";
import { recordChange } from "./change-feed.ts";
import { cacheKey } from "./cache-keys.ts";
import type { Db } from "./database.ts";

export interface SitePage {
  slug: string;
  title: string;
  body: Block[];
  updatedAt: string;
}

/** Creates or replaces the page with the input's slug; resolves to its id. */
export async function upsertPage(db: Db, input: PageInput, now = new Date()): Promise<number> {
  const p = pageInputSchema.parse(input);
  const values = { title: p.title, body: JSON.stringify(p.body), updated_at: now.toISOString() };
  const existing = await db.selectFrom("pages").select("id").where("slug", "=", p.slug).executeTakeFirst();
  let id: number;
  if (existing) {
    await db.updateTable("pages").set(values).where("id", "=", existing.id).execute();
    id = existing.id;
  } else
    id = (
      await db
        .insertInto("pages")
        .values({ slug: p.slug, ...values })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  await recordChange(db, [cacheKey.page(p.slug)]);
  return id;
}

export async function pageById(db: Db, id: number): Promise<(SitePage & { id: number }) | undefined> {
  const r = await db.selectFrom("pages").selectAll().where("id", "=", id).executeTakeFirst();
  return r
    ? {
        id: r.id,
        slug: r.slug,
        title: r.title,
        body: z.array(blockSchema).parse(JSON.parse(r.body)),
        updatedAt: r.updated_at,
      }
    : undefined;
}

export async function pageBySlug(db: Db, slug: string): Promise<SitePage | undefined> {
  const r = await db.selectFrom("pages").selectAll().where("slug", "=", slug).executeTakeFirst();
  return r
    ? {
        slug: r.slug,
        title: r.title,
        body: z.array(blockSchema).parse(JSON.parse(r.body)),
        updatedAt: r.updated_at,
      }
    : undefined;
}
