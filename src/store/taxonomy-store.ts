/** Sections, topics and authors: the ways stories are grouped and signed. */
import type { Selectable } from "kysely";
import { type Access, type Sponsor, accessSchema, sponsorSchema } from "../content/model.ts";
import { slugify } from "../content/slug.ts";
import type { Database } from "./schema.ts";
import { cacheKey } from "./cache-keys.ts";
import { recordChange } from "./change-feed.ts";
import type { Db } from "./database.ts";

export interface Section {
  id: number;
  slug: string;
  name: string;
  description: string;
  position: number;
  /** Who may read its stories that set no access of their own; undefined: everyone. */
  defaultAccess?: Access | undefined;
}

/** A stored access setting (a story's or a section's default); unreadable or unset reads as none. */
export function accessOf(json: string | null | undefined): Access | undefined {
  if (!json) return undefined;
  try {
    const parsed = accessSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A sponsor as stored (stories.sponsor); anything unreadable reads as none. */
export function sponsorOf(json: string | null | undefined): Sponsor | undefined {
  if (!json) return undefined;
  try {
    const parsed = sponsorSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

type SectionRow = Selectable<Database["sections"]>;

export function toSection(r: SectionRow): Section {
  const defaultAccess = accessOf(r.default_access);
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    position: r.position,
    ...(defaultAccess ? { defaultAccess } : {}),
  };
}
export interface Topic {
  id: number;
  slug: string;
  name: string;
  kind: string;
}
export interface Author {
  id: number;
  slug: string;
  name: string;
  bio: string;
  role: string;
}

export async function upsertSection(
  db: Db,
  s: { slug: string; name: string; description?: string; position?: number; premoderate?: boolean },
): Promise<Section> {
  const existing = await db.selectFrom("sections").selectAll().where("slug", "=", s.slug).executeTakeFirst();
  const premoderate = s.premoderate === undefined ? {} : { premoderate: s.premoderate ? 1 : 0 };
  if (existing) {
    await db
      .updateTable("sections")
      .set({
        name: s.name,
        description: s.description ?? existing.description,
        position: s.position ?? existing.position,
        ...premoderate,
      })
      .where("id", "=", existing.id)
      .execute();
    await recordChange(db, [cacheKey.sections, cacheKey.section(s.slug)]);
    return { ...toSection(existing), name: s.name };
  }
  const row = await db
    .insertInto("sections")
    .values({
      slug: s.slug,
      name: s.name,
      description: s.description ?? "",
      position: s.position ?? 100,
      ...premoderate,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordChange(db, [cacheKey.sections]);
  return toSection(row);
}

/**
 * Who may read the section's stories that set no access of their own
 * (null: everyone). Every article page carries its section's cache key, so
 * they are all dropped.
 */
export async function setSectionAccess(db: Db, slug: string, access: Access | null): Promise<boolean> {
  const r = await db
    .updateTable("sections")
    .set({ default_access: access ? JSON.stringify(access) : null })
    .where("slug", "=", slug)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  await recordChange(db, [cacheKey.sections, cacheKey.section(slug), cacheKey.all, cacheKey.home]);
  return true;
}

/** Topics by name, at most 500; `nameContains` filters. */
export async function listTopics(db: Db, nameContains?: string): Promise<Topic[]> {
  let q = db.selectFrom("topics").select(["id", "slug", "name", "kind"]).orderBy("name").limit(500);
  if (nameContains) q = q.where("name", "like", `%${nameContains}%`);
  return q.execute();
}

export function listAuthors(db: Db): Promise<Author[]> {
  return db.selectFrom("authors").select(["id", "slug", "name", "bio", "role"]).orderBy("name").execute();
}

export function authorsBySlugs(db: Db, slugs: readonly string[]): Promise<Author[]> {
  if (!slugs.length) return Promise.resolve([]);
  return db
    .selectFrom("authors")
    .select(["id", "slug", "name", "bio", "role"])
    .where("slug", "in", slugs)
    .execute();
}

export function listSections(db: Db): Promise<Section[]> {
  return db
    .selectFrom("sections")
    .selectAll()
    .orderBy("position")
    .orderBy("name")
    .execute()
    .then((rows) => rows.map(toSection));
}

export function sectionBySlug(db: Db, slug: string): Promise<Section | undefined> {
  return db
    .selectFrom("sections")
    .selectAll()
    .where("slug", "=", slug)
    .executeTakeFirst()
    .then((r) => r && toSection(r));
}

/** Finds a topic by its slug (from the name) or creates it. */
export async function ensureTopic(db: Db, name: string, kind = "subject"): Promise<Topic> {
  const slug = slugify(name, 100);
  const existing = await db.selectFrom("topics").selectAll().where("slug", "=", slug).executeTakeFirst();
  if (existing) return existing;
  return db.insertInto("topics").values({ slug, name, kind }).returningAll().executeTakeFirstOrThrow();
}

export function topicBySlug(db: Db, slug: string): Promise<Topic | undefined> {
  return db.selectFrom("topics").selectAll().where("slug", "=", slug).executeTakeFirst();
}

export async function upsertAuthor(
  db: Db,
  a: { slug?: string; name: string; bio?: string; role?: string },
): Promise<Author> {
  const slug = a.slug ?? slugify(a.name, 100);
  const existing = await db.selectFrom("authors").selectAll().where("slug", "=", slug).executeTakeFirst();
  if (existing) {
    if (a.bio === undefined && a.role === undefined) return existing;
    const next = { ...existing, name: a.name, bio: a.bio ?? existing.bio, role: a.role ?? existing.role };
    await db
      .updateTable("authors")
      .set({ name: next.name, bio: next.bio, role: next.role })
      .where("id", "=", existing.id)
      .execute();
    await recordChange(db, [cacheKey.author(slug)]);
    return next;
  }
  return db
    .insertInto("authors")
    .values({ slug, name: a.name, bio: a.bio ?? "", role: a.role ?? "" })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function authorBySlug(db: Db, slug: string): Promise<Author | undefined> {
  return db.selectFrom("authors").selectAll().where("slug", "=", slug).executeTakeFirst();
}

export function authorById(db: Db, id: number): Promise<Author | undefined> {
  return db
    .selectFrom("authors")
    .select(["id", "slug", "name", "bio", "role"])
    .where("id", "=", id)
    .executeTakeFirst();
}
