/**
 * The newsroom's HTTP surface: the admin API (from the endpoint table), its
 * OpenAPI document, signed previews, and the editor app at /admin (built by
 * Vite into dist/admin).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { Config } from "../config.ts";
import { articleInputs } from "../site/article-data.ts";
import { HttpError } from "../web/errors.ts";
import type { MediaStore } from "../media/media-store.ts";
import { articleView, renderArticle } from "../site/article-page.ts";
import type { Db } from "../store/database.ts";
import { storyById } from "../store/story-store.ts";
import { listSections } from "../store/taxonomy-store.ts";
import { registerEndpoints } from "../web/pipeline.ts";
import type { Mailer } from "../mail/mailer.ts";
import type { Endpoint } from "../web/endpoint.ts";
import { accountEndpoints } from "./endpoints/account-endpoints.ts";
import { mediaEndpoints } from "./endpoints/media-endpoints.ts";
import { previewEndpoints } from "./endpoints/preview-endpoints.ts";
import { storyEndpoints } from "./endpoints/story-endpoints.ts";
import { moderationEndpoints } from "./endpoints/moderation-endpoints.ts";
import { settingsEndpoints } from "./endpoints/settings-endpoints.ts";
import { taxonomyEndpoints } from "./endpoints/taxonomy-endpoints.ts";
import { openApiDocument } from "../web/openapi.ts";
import { checkPreview } from "./preview.ts";

export interface NewsroomDeps {
  config: Config;
  db: Db;
  media: MediaStore;
  cssHref: string;
  /** Re-reads the stored site settings into the running configuration (this process). */
  reloadSettings?: () => Promise<void>;
  /** For reply notifications when a moderator approves a reply. */
  mailer?: Mailer;
}

/** Where `npm run build:editor` puts the editor. */
export const EDITOR_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/admin");

/** Every admin endpoint, in one table (the permission matrix test walks it). */
export function adminEndpoints(deps: NewsroomDeps): Endpoint[] {
  return [
    ...accountEndpoints(deps.db),
    ...storyEndpoints(deps.db, deps.config),
    ...previewEndpoints(deps),
    ...mediaEndpoints(deps.db, deps.media, deps.config),
    ...taxonomyEndpoints(deps.db),
    ...settingsEndpoints(deps),
    ...moderationEndpoints(deps),
  ];
}

export function newsroomRoutes(app: FastifyInstance, deps: NewsroomDeps): void {
  const { db, config } = deps;
  const endpoints = adminEndpoints(deps);
  registerEndpoints(app, db, endpoints);
  const openapi = JSON.stringify(openApiDocument(endpoints, config.site.baseUrl));
  app.get("/api/openapi.json", async (_req, reply) =>
    reply.type("application/json").header("cache-control", "public, max-age=300").send(openapi),
  );

  const previewQuery = z.object({
    expires: z.coerce.number().int().positive(),
    sig: z.string().min(10).max(100),
  });
  app.get<{ Params: { id: string } }>("/preview/:id", async (req, reply) => {
    const id = Number(req.params.id);
    const q = previewQuery.safeParse(req.query);
    if (!Number.isSafeInteger(id) || id <= 0 || !q.success) throw new HttpError("GZ_ERR_PREVIEW_LINK");
    if (!(await checkPreview(db, id, q.data.expires, q.data.sig))) throw new HttpError("GZ_ERR_PREVIEW_LINK");
    const story = await storyById(db, id);
    if (!story) throw new HttpError("GZ_ERR_STORY_NOT_FOUND");
    const { inputs } = await articleInputs(db, story);
    const view = articleView(
      { ...inputs, preview: { expiresAt: new Date(q.data.expires * 1000).toISOString() } },
      config.site,
      config.ads,
    );
    const shell = { site: config.site, sections: await listSections(db), cssHref: deps.cssHref };
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "private, no-store")
      .header("x-robots-tag", "noindex")
      .send(renderArticle(view, shell, config.ads));
  });

  // The editor: one HTML page for every /admin URL (the app routes on the client), assets immutable.
  const indexFile = path.join(EDITOR_DIST, "index.html");
  const editorPage = async (_req: unknown, reply: FastifyReply) => {
    if (!fs.existsSync(indexFile)) {
      return reply
        .code(503)
        .type("text/plain; charset=utf-8")
        .header("cache-control", "no-store")
        .send(
          "The newsroom editor has not been built. Run `npm run build:editor` (npm start does it for you).",
        );
    }
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .send(fs.readFileSync(indexFile));
  };
  app.get("/admin", editorPage);
  app.get("/admin/*", async (req, reply) => {
    const rel = (req.params as { "*": string })["*"];
    if (rel.startsWith("assets/")) {
      const file = path.resolve(EDITOR_DIST, rel);
      if (!file.startsWith(EDITOR_DIST + path.sep) || !fs.existsSync(file))
        throw new HttpError("GZ_ERR_NOT_FOUND");
      const type = file.endsWith(".js")
        ? "text/javascript; charset=utf-8"
        : file.endsWith(".css")
          ? "text/css; charset=utf-8"
          : "application/octet-stream";
      return reply
        .type(type)
        .header("cache-control", "public, max-age=31536000, immutable")
        .send(fs.readFileSync(file));
    }
    return editorPage(req, reply);
  });
}
