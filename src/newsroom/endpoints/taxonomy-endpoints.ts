/** Admin API: sections, topics and author profiles. */
import { z } from "zod";
import { slugSchema } from "../../content/model.ts";
import type { Db } from "../../store/database.ts";
import {
  ensureTopic,
  listAuthors,
  listSections,
  listTopics,
  upsertAuthor,
  upsertSection,
} from "../../store/taxonomy-store.ts";
import { endpoint } from "../../web/endpoint.ts";

const sectionBody = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(1000).optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  /** Every comment on the section's stories waits for a moderator. */
  premoderate: z.boolean().optional(),
});

const authorBody = z.object({
  slug: slugSchema.optional(),
  name: z.string().trim().min(1).max(200),
  bio: z.string().trim().max(2000).optional(),
  role: z.string().trim().max(200).optional(),
});

export function taxonomyEndpoints(db: Db) {
  return [
    endpoint({
      method: "GET",
      path: "/api/admin/sections",
      access: "newsroom.read",
      responds: "json",
      tag: "Taxonomy",
      summary: "Sections, in navigation order",
      handler: async () => ({ items: await listSections(db) }),
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/sections",
      access: "taxonomy.manage",
      responds: "json",
      tag: "Taxonomy",
      summary: "Create a section, or rename / reorder the one with this slug",
      body: sectionBody,
      handler: async ({ body }) =>
        db.transaction().execute(async (tx) => {
          const saved = await upsertSection(tx, body);
          return { ...saved, ...(body.premoderate !== undefined ? { premoderate: body.premoderate } : {}) };
        }),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/topics",
      access: "newsroom.read",
      responds: "json",
      tag: "Taxonomy",
      summary: "Topics, by name; q filters",
      query: z.object({ q: z.string().max(120).optional() }),
      handler: async ({ query }) => {
        return { items: await listTopics(db, query.q?.trim() || undefined) };
      },
    }),
    endpoint({
      method: "POST",
      path: "/api/admin/topics",
      access: "taxonomy.manage",
      responds: "json",
      tag: "Taxonomy",
      summary: "Create a topic (or return the existing one of that name)",
      status: 201,
      body: z.object({
        name: z.string().trim().min(1).max(120),
        kind: z.enum(["subject", "place", "person", "organisation"]).default("subject"),
      }),
      handler: async ({ body }) => ensureTopic(db, body.name, body.kind),
    }),
    endpoint({
      method: "GET",
      path: "/api/admin/authors",
      access: "newsroom.read",
      responds: "json",
      tag: "Taxonomy",
      summary: "Author profiles, by name",
      handler: async () => ({ items: await listAuthors(db) }),
    }),
    endpoint({
      method: "PUT",
      path: "/api/admin/authors",
      access: "authors.manage",
      responds: "json",
      tag: "Taxonomy",
      summary: "Create an author profile, or update the one with this slug",
      body: authorBody,
      handler: async ({ body }) =>
        db
          .transaction()
          .execute((tx) => upsertAuthor(tx, { ...body, bio: body.bio ?? "", role: body.role ?? "" })),
    }),
  ];
}
